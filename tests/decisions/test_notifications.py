"""Mails to the deciders of a submission and to the case worker (MockMailHost)."""

import logging

from plone import api
from zope.event import notify

from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.decisions import notifications
from os2bos_plone.decisions.events import ActivitiesSubmitted
from os2bos_plone.decisions.submit import submit
from os2bos_plone.security.committee import update_before_committee
from os2bos_plone.security.users import create_user
from tests.builders import CHILD_NAME
from tests.builders import CPR
from tests.builders import grant_decision
from tests.builders import lead_unit
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import parsed
from tests.builders import unit_of


def _user(user_id, fullname, email=None, groups=()):
    create_user(user_id, "secret-pw-123", fullname=fullname, email=email or "")
    for group in groups:
        api.group.add_user(groupname=group, username=user_id)
    return user_id


def _level(key):
    return next(level for level in approval_levels() if level.key == key)


def _people(portal):
    _user("j_worker", "Karin Sagsbehandler", "karin@kommune.example")
    _user("j_leader", "Lars Teamleder", "lars@kommune.example")
    _user("j_other_leader", "Olga Teamleder", "olga@kommune.example", ["bos_team_leaders"])
    _user("j_section", "Sara Afsnitsleder", "sara@kommune.example", ["bos_section_leaders"])
    _user("j_no_mail", "Niels Uden Mail", groups=["bos_team_leaders"])
    api.user.get(userid="j_no_mail").setMemberProperties({"email": ""})
    regelmotor = portal["regelmotor"]
    regelmotor.teams = [
        dict(row, leader="j_leader") if row["key"] == "familie_oest" else row
        for row in regelmotor.teams
    ]


def _case(portal):
    case = make_case(portal, case_worker="j_worker", team="familie_oest")
    appropriation = make_appropriation(case)
    return case, appropriation


def test_deciders_of_a_level(manager):
    _people(manager)
    case, _appropriation = _case(manager)
    team_deciders = notifications.deciders(case, "BOSTeamLeader")
    assert "j_leader" in team_deciders
    # team leaders of other teams hold the role, not the case: a mail naming the child is
    # not theirs to read
    assert "j_other_leader" not in team_deciders and "j_no_mail" not in team_deciders
    assert "j_section" not in team_deciders
    assert "j_worker" not in team_deciders
    # a section leader is told of the cases of the afsnit they lead only
    assert "j_section" not in notifications.deciders(case, "BOSSectionLeader")
    lead_unit("j_section", unit_of("familie_oest"))
    assert "j_section" in notifications.deciders(case, "BOSSectionLeader")
    assert "j_leader" not in notifications.deciders(case, "BOSSectionLeader")
    # local roles on the case count too
    case.manage_setLocalRoles("j_worker", ["BOSSectionLeader"])
    assert "j_worker" in notifications.deciders(case, "BOSSectionLeader")


def test_submission_mails_the_deciders(manager, mailhost):
    _people(manager)
    case, appropriation = _case(manager)
    activity = make_activity(appropriation, **main_fields())
    notify(ActivitiesSubmitted(appropriation, [activity], _level("teamleder"), "Haster"))
    mails = [parsed(message) for message in mailhost.messages]
    recipients = {to for to, _subject, _body in mails}
    assert recipients == {"lars@kommune.example"}  # the case's team leader, not Olga's team
    to, subject, body = mails[0]
    assert subject == f"Til godkendelse (Teamleder): bevilling {appropriation.sbsys_id}"
    assert "Familiebehandling (hovedydelse):" in body
    assert "årligt" in body
    assert case.sbsys_id in body and CHILD_NAME in body
    assert "Bemærkning: Haster" in body
    assert appropriation.absolute_url() in body
    for _to, subject, body in mails:
        assert CPR not in subject and CPR not in body
    # ... and the submission is journaled with the required level
    from tests.builders import entries_with

    [entry] = entries_with(case, "activities_submitted")
    assert "»Teamleder«" in entry.title
    assert entry.comment == "Haster"
    assert entry.data["required_level"] == "teamleder"


def test_submit_through_the_grant_code_mails_the_deciders(manager, mailhost):

    _people(manager)
    case, appropriation = _case(manager)
    activity = make_activity(appropriation, **main_fields())
    errors, required = submit(appropriation, [activity.UID()], comment="Haster")
    assert errors == []
    expected = {
        notifications.address_of(user_id)[0]
        for user_id in notifications.deciders(case, required.role)
        if notifications.address_of(user_id)[0]
    }
    assert expected
    mails = [parsed(message) for message in mailhost.messages]
    assert {to for to, _subject, _body in mails} == expected
    assert all(f"Til godkendelse ({required.title})" in subject for _to, subject, _b in mails)


def test_committee_level_mails_the_secretaries(manager, mailhost):
    _people(manager)
    _user("j_secretary", "Sofie Sekretær", "sofie@kommune.example", ["bos_committee_secretaries"])
    case, appropriation = _case(manager)
    activity = make_activity(appropriation, **main_fields())
    level = next(level for level in approval_levels() if level.committee)
    # submitted at the committee's level: the case comes before the committee
    api.content.transition(obj=activity, to_state="expected")
    activity.required_approval_level = level.key
    assert update_before_committee(case)
    mailhost.reset()
    notify(ActivitiesSubmitted(appropriation, [activity], level, ""))
    assert {parsed(m)[0] for m in mailhost.messages} == {"sofie@kommune.example"}


def test_grant_mails_the_case_worker(manager, mailhost):
    _people(manager)
    case, appropriation = _case(manager)
    activity = make_activity(appropriation, **main_fields())
    mailhost.reset()
    grant_decision(appropriation, [activity])
    [(to, subject, body)] = [parsed(message) for message in mailhost.messages]
    assert to == "karin@kommune.example"
    assert subject == f"Bevilget: bevilling {appropriation.sbsys_id}"
    assert "Kære Karin Sagsbehandler" in body
    assert "Familiebehandling (hovedydelse):" in body and "pr. betaling" in body
    assert "bevillingsniveau »Teamleder«" in body
    letter = next(obj for obj in case.objectValues() if obj.portal_type == "bos_letter")
    assert f"Bevillingsskrivelse: {letter.absolute_url()}" in body
    assert CPR not in subject and CPR not in body


def test_rejection_mails_the_case_worker(manager, mailhost):
    _people(manager)
    case, appropriation = _case(manager)
    activity = make_activity(appropriation, **main_fields())
    api.content.transition(obj=activity, transition="submit")
    mailhost.reset()
    api.content.transition(obj=activity, transition="reject", comment="Mangler handleplan")
    [(to, subject, body)] = [parsed(message) for message in mailhost.messages]
    assert to == "karin@kommune.example"
    assert subject == f"Afvist: Familiebehandling (bevilling {appropriation.sbsys_id})"
    assert "Begrundelse: Mangler handleplan" in body
    assert activity.absolute_url() in body
    assert CPR not in subject and CPR not in body


def test_no_mail_without_a_case_worker(manager, mailhost):
    case = make_case(manager, case_worker=None)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())
    grant_decision(appropriation, [activity])
    assert list(mailhost.messages) == []


def test_unconfigured_mailhost_only_logs(manager, caplog):
    _people(manager)
    api.portal.set_registry_record("plone.email_from_address", "")
    case, appropriation = _case(manager)
    activity = make_activity(appropriation, **main_fields())
    with caplog.at_level(logging.WARNING, logger="os2bos_plone"):
        grant_decision(appropriation, [activity])
    assert api.content.get_state(activity) == "granted"
    assert any("was not sent" in record.getMessage() for record in caplog.records)
