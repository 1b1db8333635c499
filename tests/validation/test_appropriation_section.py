"""The section of an appropriation with granted or expected activities stays (issue 12, item 1):
REST PATCH and the edit form ask the same rule."""

import pytest
from plone import api
from zope.interface import Invalid

from os2bos_plone.content.case import IAppropriation
from os2bos_plone.engine.activity_rules import MSG_SECTION_DECIDED
from os2bos_plone.validation.appropriation import SectionValidator
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import monthly_main
from tests.builders import team_users
from tests.builders import uid_of

OTHER_SECTION = "BL-32-1.3"


def test_rest_patch_of_a_decided_section_is_refused(http):
    admin = http()
    _worker, leader = team_users(http, suffix="-section")
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    before = admin.get(appropriation["@id"]).json()["section"]
    other = admin.get(
        f"{admin.base}/@vocabularies/os2bos_plone.vocabularies.Sections",
        params={"b_size": 200},
    ).json()["items"]
    other_uid = next(item["token"] for item in other if item["token"] != before["token"])

    # A draft grant may still be moved to another section.
    draft = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    moved = admin.patch(appropriation["@id"], json={"section": other_uid})
    assert moved.status_code == 204, moved.text
    admin.patch(appropriation["@id"], json={"section": before["token"]})

    grant(leader, appropriation["@id"], [draft["UID"]])
    refused = admin.patch(appropriation["@id"], json={"section": other_uid, "note": "x"})
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"] == [{"field": "section", "message": MSG_SECTION_DECIDED}]
    after = admin.get(appropriation["@id"]).json()
    assert (after["section"]["token"], after["note"]) == (before["token"], None)


def test_the_edit_form_asks_the_same_rule(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())
    validator = SectionValidator(
        appropriation, manager.REQUEST, None, IAppropriation["section"], None
    )
    other = uid_of("bos_section", OTHER_SECTION)
    validator.validate(other)  # a draft: no error
    api.content.transition(obj=activity, transition="submit")
    with pytest.raises(Invalid, match=MSG_SECTION_DECIDED):
        validator.validate(other)
