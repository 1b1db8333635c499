"""The order of law sections on the management screens: by law, then numerically by paragraph,
subsection and number, so that § 30 comes before § 114 (a text sort puts "114" first)."""

import re

#: "BL-32-1.5", "SEL-52a-3.7", "BL-105": law, paragraph (with an optional letter), subsection,
#: number. Other shapes sort after these, as text.
_KEY = re.compile(r"^([A-ZÆØÅ]+)-(\d+)([a-z]?)(?:-(\d+)(?:\.(\d+))?)?$")


def section_sort_key(key):
    """A sort key for a section key: ``sorted(keys, key=section_sort_key)``.

    None (no section) sorts last; keys of another shape after the well-formed ones, as text.
    """
    if key is None:
        return (2, "", 0, "", 0, 0, "")
    match = _KEY.match(str(key).strip())
    if match is None:
        return (1, "", 0, "", 0, 0, str(key))
    law, paragraph, letter, subsection, number = match.groups()
    return (
        0,
        law,
        int(paragraph),
        letter,
        # A paragraph without a subsection comes before its subsections.
        int(subsection) if subsection else -1,
        int(number) if number else -1,
        "",
    )
