"""What was decided, paid or journaled stays (issue 12, item 2): no door deletes it."""

import pytest
from plone import api

from os2bos_plone.retention.deletion import DeletionRefused
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import monthly_main
from tests.builders import payments
from tests.builders import team_users


def test_rest_delete_keeps_a_granted_appropriation_and_its_case(http):
    admin = http()
    _worker, leader = team_users(http, suffix="-keep")
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    activity = create_activity(admin, appropriation["@id"], **monthly_main(admin))
    grant(leader, appropriation["@id"], [activity["UID"]])
    planned = payments(admin, activity["@id"])["items"]

    for url in (appropriation["@id"], case["@id"]):
        refused = admin.delete(url)  # the site owner, Manager
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"] == "Forbidden"
        assert "kan ikke slettes" in refused.json()["message"]
    assert admin.get(activity["@id"]).json()["review_state"] == "granted"
    assert payments(admin, activity["@id"])["items"] == planned


def test_rest_delete_of_an_appropriation_holding_only_drafts_is_allowed(http):
    admin = http()
    case = create_case(admin, team="familie_oest")
    appropriation = create_appropriation(admin, case["@id"])
    create_activity(admin, appropriation["@id"], **monthly_main(admin))
    assert admin.delete(appropriation["@id"]).status_code == 204
    assert admin.get(appropriation["@id"]).status_code == 404


def test_a_script_cannot_delete_what_was_submitted(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())
    api.content.transition(obj=activity, transition="submit")
    with pytest.raises(DeletionRefused):
        api.content.delete(obj=activity, check_linkintegrity=False)
    with pytest.raises(DeletionRefused):
        api.content.delete(obj=appropriation, check_linkintegrity=False)
    with pytest.raises(DeletionRefused):
        api.content.delete(obj=case, check_linkintegrity=False)
    assert activity.getId() in appropriation.objectIds()
