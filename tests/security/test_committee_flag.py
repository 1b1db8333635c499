"""The case's stored fact "before the committee" (security.committee) follows its activities:
set when one is submitted at a committee level, kept once decided there, dropped when the
submission is sent back."""

from plone import api

from os2bos_plone.security.committee import before_committee
from os2bos_plone.security.localroles import COMMITTEE_GROUP
from os2bos_plone.security.localroles import CaseLocalRoles
from os2bos_plone.security.roles import CASE_READER_ROLE
from tests.builders import add_activity
from tests.builders import make_appropriation
from tests.builders import make_case


def _placement(case):
    """A placement without consent (BL-47): the committee decides it."""
    return add_activity(
        make_appropriation(case, section="BL-47"), state="draft", service="100406", provider=None
    )


def _committee_reads(case):
    return CASE_READER_ROLE in CaseLocalRoles(case).getRoles(COMMITTEE_GROUP)


def test_submitted_at_a_committee_level_then_sent_back(manager):
    case = make_case(manager, team="familie_oest")
    activity = _placement(case)
    assert not before_committee(case) and not _committee_reads(case)
    api.content.transition(obj=activity, transition="submit")
    assert activity.required_approval_level == "boerne_og_ungeudvalget"
    assert before_committee(case) and _committee_reads(case)
    api.content.transition(obj=activity, transition="reject", comment="Ikke endnu")
    assert not before_committee(case) and not _committee_reads(case)


def test_decided_at_a_committee_level(manager):
    from datetime import timedelta

    from os2bos_plone.engine import clock

    case = make_case(manager, team="familie_oest")
    activity = _placement(case)
    api.content.transition(
        obj=activity,
        transition="grant",
        approval_level="boerne_og_ungeudvalget",
        meeting_date=clock.today() - timedelta(days=1),
        decision_reference="BUU pkt. 4",
    )
    assert api.content.get_state(activity) == "granted"
    assert before_committee(case) and _committee_reads(case)


def test_below_the_committee_level_the_case_is_not_before_it(manager):
    case = make_case(manager, team="familie_oest")
    add_activity(make_appropriation(case), state="expected", amount="10000.00")
    add_activity(make_appropriation(case), state="granted", amount="1000.00")
    assert not before_committee(case) and not _committee_reads(case)


def test_the_adapter_reads_no_activity(manager, monkeypatch):
    """Security checks ask the adapter often: it reads the case's attributes and the lists."""
    from os2bos_plone.security import committee

    case = make_case(manager, team="familie_oest")
    api.content.transition(obj=_placement(case), transition="submit")

    def woken(*args, **kwargs):
        raise AssertionError("the adapter looked at the activities")

    monkeypatch.setattr(committee, "is_before_committee", woken)
    monkeypatch.setattr(committee, "activities_of", woken)
    assert _committee_reads(case)
