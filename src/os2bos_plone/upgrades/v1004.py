"""1003 -> 1004: appropriation letters become their own immutable type, ``bos_letter``.

Letters were plain, versioned ``File`` objects in the case that anyone with Modify on the case
could replace. This step

* adds the ``bos_letter`` type and its workflow ``bos_letter_workflow`` (Modify, Delete and
  Copy or Move for no one) from profiles/default, importing *only* these two definitions: the
  other types and workflows, which administrators may have edited, are not imported again;
* makes the add permission ``os2bos_plone: Add Letter`` held by no role, and allows the type in
  cases (only the decision code makes letters);
* converts every letter File in a case (a File a journal entry points at as its letter, or
  named ``bevillingsskrivelse-*.pdf``) into a ``bos_letter`` with the same id, UID (the journal
  entries point at it), title, description, PDF (the same blob), owner, creation and
  modification date, and stores the SHA-256 of the PDF on it. Journal entries already written
  keep what they hold. The Files' old versions stay in portal_repository's history storage.

Cases are worked in batches of ``BATCH``; after each the transaction is committed
(``checkpoint``). Running the step again converts nothing twice.
"""

import logging
import os

import transaction
from Acquisition import aq_base
from plone import api
from plone.dexterity.utils import createContent
from plone.uuid.interfaces import ATTRIBUTE_NAME
from plone.uuid.interfaces import IUUID
from Products.CMFCore.exportimport.typeinfo import importTypesTool
from Products.CMFCore.exportimport.workflow import importWorkflowTool
from Products.GenericSetup.context import DirectoryImportContext

import os2bos_plone
from os2bos_plone.content.letter import LETTER_TYPE
from os2bos_plone.content.letter import sha256_of
from os2bos_plone.journal.storage import entries
from os2bos_plone.security.roles import DATA_PROTECTION_ROLE

logger = logging.getLogger("os2bos_plone.upgrades.v1004")

BATCH = 200
WORKFLOW = "bos_letter_workflow"
ADD_PERMISSION = "os2bos_plone: Add Letter"
CASE_TYPE = "bos_case"
LETTER_PREFIX = "bevillingsskrivelse-"

PROFILE_PATH = os.path.join(os.path.dirname(os2bos_plone.__file__), "profiles", "default")

_TYPES_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<object name="portal_types" meta_type="Plone Types Tool">
  <object name="{LETTER_TYPE}" meta_type="Dexterity FTI" />
</object>
"""

_WORKFLOWS_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<object name="portal_workflow" meta_type="Plone Workflow Tool">
  <object name="{WORKFLOW}" meta_type="Workflow" />
  <bindings>
    <type type_id="{LETTER_TYPE}">
      <bound-workflow workflow_id="{WORKFLOW}" />
    </type>
  </bindings>
</object>
"""


def commit():
    transaction.commit()


#: Called after every batch; the tests replace it with a savepoint.
checkpoint = commit


class _LetterOnlyContext(DirectoryImportContext):
    """profiles/default as an import context whose types.xml and workflows.xml name only the
    letter's type and workflow, so nothing else is imported again."""

    OVERRIDES = {"types.xml": _TYPES_XML, "workflows.xml": _WORKFLOWS_XML}

    def readDataFile(self, filename, subdir=None):
        if subdir in (None, "") and filename in self.OVERRIDES:
            return self.OVERRIDES[filename].encode("utf-8")
        return super().readDataFile(filename, subdir)


def add_type_and_workflow(portal=None):
    """Add the letter type and workflow when missing. Returns True when anything was added."""
    portal = portal or api.portal.get()
    types = api.portal.get_tool("portal_types")
    workflows = api.portal.get_tool("portal_workflow")
    added = False
    if LETTER_TYPE not in types.objectIds() or WORKFLOW not in workflows.objectIds():
        context = _LetterOnlyContext(api.portal.get_tool("portal_setup"), PROFILE_PATH)
        importTypesTool(context)
        importWorkflowTool(context)
        added = True
    portal.manage_permission(ADD_PERMISSION, roles=[], acquire=False)
    case_fti = types.getTypeInfo(CASE_TYPE)
    allowed = tuple(case_fti.allowed_content_types or ())
    if LETTER_TYPE not in allowed:
        case_fti.allowed_content_types = (*allowed, LETTER_TYPE)
        added = True
    return added


def _journal_letters(case):
    return {entry.letter for entry in entries(case) if entry.letter}


def letter_files(case):
    """The letter Files of a case, by the journal's letter UIDs or the letters' name."""
    referenced = _journal_letters(case)
    return [
        obj
        for obj in case.objectValues()
        if getattr(aq_base(obj), "portal_type", None) == "File"
        and (IUUID(obj, None) in referenced or obj.getId().startswith(LETTER_PREFIX))
    ]


def convert(case, old):
    """Replace the letter File ``old`` in ``case`` by a bos_letter with its id, UID and data."""
    file_id = old.getId()
    uid = IUUID(old)
    blob = old.file
    owner = old.getOwnerTuple()
    local_roles = dict(getattr(aq_base(old), "__ac_local_roles__", None) or {})
    values = {
        "title": old.title,
        "description": old.description,
        "creation_date": old.creation_date,
        "modification_date": old.modification_date,
        "creators": tuple(old.creators or ()),
    }
    case._delObject(file_id)
    letter = createContent(LETTER_TYPE, id=file_id, file=blob)
    setattr(letter, ATTRIBUTE_NAME, uid)  # the journal entries point at this UID
    letter.title = values["title"]
    letter.description = values["description"]
    letter.creators = values["creators"]
    with blob.open() as data:
        letter.sha256 = sha256_of(data.read())
    case._setObject(file_id, letter)
    letter = case[file_id]
    if local_roles:
        letter.__ac_local_roles__ = local_roles
    if owner:
        letter._owner = owner
    letter.creation_date = values["creation_date"]
    letter.modification_date = values["modification_date"]
    letter.reindexObject()
    return letter


def pending_cases():
    """Paths of the cases holding a File (a letter or an attachment), from the catalog."""
    catalog = api.portal.get_tool("portal_catalog")
    cases = {brain.getPath() for brain in catalog.unrestrictedSearchResults(portal_type=CASE_TYPE)}
    parents = {
        brain.getPath().rsplit("/", 1)[0]
        for brain in catalog.unrestrictedSearchResults(portal_type="File")
    }
    return sorted(cases & parents)


def convert_letters(batch=BATCH, progress=None, after_batch=None):
    """Convert every letter File of every case. Returns the number converted."""
    progress = progress or logger.info
    after_batch = after_batch or (lambda: checkpoint())
    portal = api.portal.get()
    paths = pending_cases()
    converted = 0
    for number, path in enumerate(paths, start=1):
        case = portal.unrestrictedTraverse(path, None)
        if case is not None:
            for old in letter_files(case):
                convert(case, old)
                converted += 1
        if number % batch == 0 or number == len(paths):
            after_batch()
            progress(
                f"Bevillingsskrivelser: {number} af {len(paths)} sager gennemgået, "
                f"{converted} skrivelser omdannet"
            )
    return converted


def add_data_protection_role():
    """The role that reads the audit log of reads (audit/); new sites get it from rolemap.xml.
    Returns True when it was added."""
    portal = api.portal.get()
    if DATA_PROTECTION_ROLE.role_id in portal.valid_roles():
        return False
    portal._addRole(DATA_PROTECTION_ROLE.role_id)
    return True


def upgrade(context):
    """The GenericSetup upgrade handler (registered in configure.zcml)."""
    if add_type_and_workflow():
        logger.info("Typen bos_letter og arbejdsgangen bos_letter_workflow er tilføjet")
    convert_letters()
    if add_data_protection_role():
        logger.info("Rollen BOS Databeskyttelse er tilføjet")
