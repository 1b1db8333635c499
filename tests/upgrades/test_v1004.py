"""Upgrade step 1003 -> 1004: letter Files become immutable bos_letter objects."""

import hashlib

from plone import api
from plone.namedfile.file import NamedBlobFile
from Products.GenericSetup.upgrade import listUpgradeSteps

from os2bos_plone.journal.storage import add_entry
from os2bos_plone.journal.storage import entries
from os2bos_plone.upgrades import v1004
from os2bos_plone.upgrades import v1005
from tests.builders import make_case

PROFILE = "os2bos_plone:default"
PDF = b"%PDF-1.4 an old appropriation letter"


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1003")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1003",), ("1004",)),
        (("1004",), ("1005",)),
        (("1005",), ("1006",)),
        (("1006",), ("1007",)),
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]
    assert setup.getVersionForProfile(PROFILE) == "1011"


def _as_1003_left_it(portal):
    """A site before 1004: no letter type or workflow, letters are Files."""
    types = api.portal.get_tool("portal_types")
    workflows = api.portal.get_tool("portal_workflow")
    types.manage_delObjects(["bos_letter"])
    workflows.manage_delObjects(["bos_letter_workflow"])
    workflows.setChainForPortalTypes(["bos_letter"], "(Default)")
    case_fti = types.getTypeInfo("bos_case")
    case_fti.allowed_content_types = tuple(
        name for name in case_fti.allowed_content_types if name != "bos_letter"
    )
    portal.manage_permission("os2bos_plone: Add Letter", roles=["Manager"], acquire=True)


def _old_letter(case, file_id, data=PDF):
    return api.content.create(
        container=case,
        type="File",
        id=file_id,
        title="Bevillingsskrivelse 27.24.00-G01-1-25 1. marts 2025",
        description="Bevillingsskrivelse for bevilling.",
        file=NamedBlobFile(data=data, contentType="application/pdf", filename=file_id),
        safe_id=False,
    )


def test_upgrade_converts_letter_files(manager, monkeypatch):
    _as_1003_left_it(manager)
    case = make_case(manager)
    old = _old_letter(case, "bevillingsskrivelse-27-24-00-g01-1-25-1.pdf")
    # a letter File the journal points at, whatever its name
    other = _old_letter(case, "skrivelse.pdf", data=PDF + b" 2")
    attachment = api.content.create(
        container=case,
        type="File",
        id="notat.pdf",
        title="Notat",
        file=NamedBlobFile(data=b"%PDF notat", contentType="application/pdf"),
    )
    add_entry(case, "activities_granted", "Bevilget.", letter=old.UID(), data={"x": 1})
    add_entry(case, "activities_granted", "Bevilget.", letter=other.UID(), data={"x": 2})
    before = [(entry.id, entry.letter, entry.data) for entry in entries(case)]
    expected = {
        obj.getId(): (obj.UID(), obj.Title(), obj.Description(), obj.created(), obj.file.data)
        for obj in (old, other)
    }
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1003")
    messages = []
    monkeypatch.setattr(v1004, "checkpoint", lambda: None)
    monkeypatch.setattr(v1005, "checkpoint", lambda: None)
    monkeypatch.setattr(v1004.logger, "info", messages.append)

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on to 1011
    assert "bos_letter" in api.portal.get_tool("portal_types").objectIds()
    workflows = api.portal.get_tool("portal_workflow")
    assert workflows.getChainForPortalType("bos_letter") == ("bos_letter_workflow",)
    assert (
        "bos_letter"
        in api.portal.get_tool("portal_types").getTypeInfo("bos_case").allowed_content_types
    )
    assert not [r for r in manager.rolesOfPermission("os2bos_plone: Add Letter") if r["selected"]]
    for file_id, (uid, title, description, created, data) in expected.items():
        letter = case[file_id]
        assert letter.portal_type == "bos_letter"
        assert letter.UID() == uid
        assert (letter.Title(), letter.Description()) == (title, description)
        assert letter.created() == created
        assert letter.file.data == data
        assert letter.sha256 == hashlib.sha256(data).hexdigest()
        assert api.content.get_state(letter) == "stored"
        assert not api.user.get_permissions(obj=letter)["Modify portal content"]
        assert not api.user.get_permissions(obj=letter)["Delete objects"]
        [brain] = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(UID=uid)
        assert brain.portal_type == "bos_letter"
    assert case["notat.pdf"].portal_type == "File"
    assert case["notat.pdf"] is not None and attachment.UID() == case["notat.pdf"].UID()
    # journal entries already written keep what they hold
    assert [(entry.id, entry.letter, entry.data) for entry in entries(case)] == before
    assert any("2 skrivelser omdannet" in message for message in messages)


def test_running_it_again_converts_nothing(manager):
    assert v1004.add_type_and_workflow() is False
    assert v1004.convert_letters(after_batch=lambda: None) == 0


def test_the_data_protection_role_comes_with_the_step(manager):
    portal = manager
    portal._delRoles(["BOSDataProtection"])
    assert "BOSDataProtection" not in portal.valid_roles()
    assert v1004.add_data_protection_role() is True
    assert "BOSDataProtection" in portal.valid_roles()
    assert v1004.add_data_protection_role() is False  # again: nothing to do
