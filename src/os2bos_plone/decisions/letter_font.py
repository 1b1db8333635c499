"""The letter's font: Roboto cut down to the Latin script, once per process.

fpdf2 parses every font file it is given for every PDF, and cuts it down to the glyphs used
when it writes the PDF. The full Roboto faces (about 300 kB each, with Greek, Cyrillic and
their layout tables) made that half of a grant decision's time. The faces cut to the Latin
letters (every family name written in a Latin alphabet: Kovačević, Şahin, Łukasz, Ærø, Nguyễn),
punctuation and currency signs are a fifth of that to parse, so the cut is made once per
process, into a temporary directory removed at exit, and every letter reads those files.

Reading a face's character widths and glyph ids was still a tenth of a decision, so that too is
done once per process (:func:`letter_face`): each letter gets a copy of the parsed face with its
own font file handle and its own record of the glyphs it uses, which is what fpdf2 cuts the
embedded font down to (and changes in place) when it writes the PDF.
"""

import atexit
import copy
import os
import shutil
import tempfile
import threading
from pathlib import Path

import font_roboto
from fontTools import subset
from fontTools import ttLib
from fpdf.fonts import SubsetMap
from fpdf.fonts import TTFFont

#: The family name the letter's ``set_font`` calls use.
FONT = "roboto"

#: The faces the letter uses, by fpdf2 style.
FACES = {"": font_roboto.Roboto, "B": font_roboto.RobotoBold, "I": font_roboto.RobotoItalic}

#: What the cut keeps: Basic Latin, Latin-1, Latin Extended-A and -B, spacing and combining
#: accents, Latin Extended Additional, general punctuation, currency signs, letterlike symbols.
LATIN_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x02B0, 0x036F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
)

_lock = threading.Lock()
_files = {}


def _cut(source, target):
    options = subset.Options()
    # fpdf2 draws glyph by glyph and drops the layout tables from the PDF anyway
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "hdmx", "FFTM"]
    options.notdef_outline = True
    font = ttLib.TTFont(source)
    subsetter = subset.Subsetter(options)
    kept = [code for low, high in LATIN_RANGES for code in range(low, high + 1)]
    subsetter.populate(unicodes=kept)
    subsetter.subset(font)
    font.save(target)
    font.close()


def font_file(style):
    """The path of the Latin cut of the face of ``style`` ("", "B" or "I"), made on first use."""
    with _lock:
        # a long-running instance may outlive a cleaner of the temporary directory
        if not _files or not all(os.path.exists(path) for path in _files.values()):
            directory = tempfile.mkdtemp(prefix="os2bos-letter-font-")
            atexit.register(shutil.rmtree, directory, True)
            for face, source in FACES.items():
                target = os.path.join(directory, os.path.basename(source))
                _cut(source, target)
                _files[face] = target
        return _files[style]


_faces = {}


def _read_face(pdf, path, style):
    """The face of ``style`` in the file ``path`` parsed by fpdf2 (what ``FPDF.add_font``
    makes)."""
    return TTFFont(pdf, Path(path), f"{FONT}{style}", style)


def letter_face(pdf, style):
    """The face of ``style`` ("", "B" or "I") for the PDF ``pdf``, to put in ``pdf.fonts``.

    A copy of the face parsed once per process. It shares what fpdf2 only reads (the widths,
    the character map, the glyph ids, the descriptor) and has its own of what a PDF changes:
    its number in the PDF, the font file (the subsetting at output cuts it in place), the
    glyphs used, the missing ones and the largest size. fpdf2 is pinned (constraints.txt); the
    letter tests read the text back from the PDF, so a change of these attributes fails there.
    """
    path = font_file(style)
    with _lock:
        parsed = _faces.get(style)
        if parsed is None or str(parsed.ttffile) != path:
            parsed = _faces[style] = _read_face(pdf, path, style)
    face = copy.copy(parsed)
    face.i = len(pdf.fonts) + 1
    face.ttfont = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
    face.missing_glyphs = []
    face.biggest_size_pt = 0
    face._hbfont = None
    face.color_font = None
    face.subset = SubsetMap(face)
    return face
