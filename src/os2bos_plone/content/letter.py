"""The appropriation letter (bevillingsskrivelse): an immutable record of a grant decision.

A letter is made by the decision code only (decisions.letters.store_letter); its add permission
is held by no role, and its workflow (bos_letter_workflow) grants Modify portal content, Delete
objects and Copy or Move to no one, Manager included. View follows the case it lives in. The
removal guard below refuses a deletion by any door that checks the container only (a script,
manage_delObjects on the case); a case holding letters is never deleted (retention.deletion).
"""

import hashlib

from OFS.interfaces import IApplication
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from plone.supermodel.directives import primary
from Products.CMFCore.interfaces import ISiteRoot
from zExceptions import Forbidden
from zope import schema
from zope.interface import implementer

from os2bos_plone import _

LETTER_TYPE = "bos_letter"

#: The key of the letter's SHA-256 (hex) in the data of its decision's journal entry.
LETTER_SHA256 = "letter_sha256"

MSG_LETTER_KEPT = (
    "Bevillingsskrivelsen »{title}« kan ikke slettes: en bevillingsskrivelse er en afgørelse, "
    "der bevares uændret."
)


def sha256_of(data):
    """The hex SHA-256 of the PDF bytes."""
    return hashlib.sha256(data or b"").hexdigest()


class ILetter(model.Schema):
    title = schema.TextLine(title=_("Title"))
    description = schema.Text(title=_("Description"), required=False)
    primary("file")
    file = NamedBlobFile(title=_("Letter (PDF)"))
    sha256 = schema.ASCIILine(
        title=_("SHA-256 of the PDF"),
        description=_("Computed when the letter is stored; the journal entry holds it too."),
        required=False,
        readonly=True,
    )


@implementer(ILetter)
class Letter(Item):
    """A stored appropriation letter; ``sha256`` is set once, when it is made."""

    sha256 = ""
    exclude_from_nav = True


class LetterRemovalRefused(Forbidden):
    """A letter is never removed (403 with the Danish message)."""


def letter_will_be_removed(letter, event):
    """Refuse every removal of a letter except with the whole site."""
    if ISiteRoot.providedBy(event.object) or IApplication.providedBy(event.object):
        return
    raise LetterRemovalRefused(MSG_LETTER_KEPT.format(title=letter.Title()))
