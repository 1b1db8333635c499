"""The date fields of the hand-written forms (issue 15: no browser's English date message): text
fields in the Danish style, read by one parser (browser.widgets.read_date_field over
engine.formatting.parse_date_da). A Danish date is accepted, ISO still is, and a wrong one is a
Danish message naming the field, with nothing changed (never a 500).

The payment office's fields are tested in test_payment_views.py.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from plone import api
from plone.uuid.interfaces import IUUID

from os2bos_plone.browser.widgets import danish_dates
from os2bos_plone.browser.widgets import date_field_text
from os2bos_plone.browser.widgets import read_date_field
from os2bos_plone.decisions.adjustment import existing_adjustment
from os2bos_plone.decisions.grant import grant
from os2bos_plone.engine import clock
from os2bos_plone.engine.formatting import MSG_DATE_FORMAT
from tests.browser.test_grant_views import TEAM_LEADER
from tests.browser.test_grant_views import WORKER
from tests.browser.test_grant_views import _user
from tests.browser.test_grant_views import post
from tests.browser.test_grant_views import render
from tests.browser.test_grant_views import state
from tests.browser.test_grant_views import team  # noqa: F401 (the fixture)
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import uid_of
from tests.builders import view

# -- the one parser -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["01.12.2026", "1.12.2026", "01122026", "2026-12-01", " 1.12.2026 "]
)
def test_a_date_field_reads_danish_and_iso(typed):
    assert read_date_field({"since": typed}, "since", "Fra dato") == (date(2026, 12, 1), None)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1. december", f"Fra dato: {MSG_DATE_FORMAT}"),
        ("12/2026", f"Fra dato: {MSG_DATE_FORMAT}"),
        ("31.02.2026", "Fra dato: Datoen 31.02.2026 findes ikke."),
        (["x", "y"], f"Fra dato: {MSG_DATE_FORMAT}"),
    ],
)
def test_a_wrong_date_is_a_danish_message_naming_the_field(typed, message):
    assert read_date_field({"since": typed}, "since", "Fra dato") == (None, message)


def test_empty_is_no_date_unless_required():
    assert read_date_field({}, "since", "Fra dato") == (None, None)
    assert read_date_field({"since": " "}, "since", "Fra dato", required=True) == (
        None,
        f"Fra dato: {MSG_DATE_FORMAT}",
    )


def test_danish_dates_gives_iso_on_and_the_field_shows_danish():
    form, messages = danish_dates(
        {"since": "1.5.2026", "until": "30.02.2026", "user": "x"},
        (("since", "Fra dato"), ("until", "Til dato")),
    )
    assert form == {"since": "2026-05-01", "until": "", "user": "x"}
    assert messages == ["Til dato: Datoen 30.02.2026 findes ikke."]
    assert date_field_text("2026-05-01") == "01.05.2026"
    assert date_field_text(date(2026, 5, 1)) == "01.05.2026"
    assert date_field_text("30.02.2026") == "30.02.2026"  # kept to be corrected
    assert date_field_text(None) == ""


# -- the audit and the mail log -----------------------------------------------------------------


def test_audit_takes_danish_dates_and_explains_a_wrong_one(manager, audit_dir):
    screen = view(manager, "bos-audit", since="01.12.2026", until="7.12.2026")
    html = screen()
    assert screen.errors == []
    assert (screen.filters["since"], screen.filters["until"]) == (
        date(2026, 12, 1),
        date(2026, 12, 7),
    )
    assert 'value="01.12.2026"' in html and 'value="07.12.2026"' in html
    assert 'type="date"' not in html
    assert 'placeholder="dd.mm.åååå"' in html
    assert "since=2026-12-01" in screen.csv_url()

    wrong = view(manager, "bos-audit", since="31.11.2026")
    html = wrong()
    assert wrong.errors == ["Fra dato: Datoen 31.11.2026 findes ikke."]
    assert wrong.entries == []
    assert "Fra dato: Datoen 31.11.2026 findes ikke." in html
    assert 'value="31.11.2026"' in html  # what was typed, to be corrected


def test_mail_log_takes_danish_dates_and_explains_a_wrong_one(manager):
    screen = view(manager, "bos-mail-log", since="1.1.2000", until="31122099")
    html = screen()
    assert screen.errors == []
    assert (screen.since, screen.until) == (date(2000, 1, 1), date(2099, 12, 31))
    assert 'value="01.01.2000"' in html and 'value="31.12.2099"' in html
    wrong = view(manager, "bos-mail-log", until="igår")
    html = wrong()
    assert wrong.errors == [f"Til dato: {MSG_DATE_FORMAT}"]
    assert list(wrong.page_entries) == []
    assert f"Til dato: {MSG_DATE_FORMAT}" in html


# -- Danmarks Statistik --------------------------------------------------------------------------


def _post_dst(portal, **form):
    from plone.protect.authenticator import createToken

    screen = view(portal, "bos-dst", kind="handicap", _authenticator=createToken(), **form)
    screen.request.method = "POST"
    screen.request.environ["REQUEST_METHOD"] = "POST"
    return screen


def test_dst_explains_a_wrong_date_and_makes_no_file(manager):
    from os2bos_plone.dst import deliveries

    screen = _post_dst(manager, from_date="1. november", to_date="07.12.2026")
    html = screen()
    assert screen.errors == [f"Fra dato: {MSG_DATE_FORMAT}"]
    assert f"Fra dato: {MSG_DATE_FORMAT}" in html
    assert screen.request.response.getHeader("Content-Disposition") is None
    assert deliveries.deliveries() == []
    # a Danish period is read: no date message (the settings are what is missing here)
    screen = _post_dst(manager, from_date="01.11.2026", to_date="7.12.2026")
    html = screen()
    assert screen.errors and not any("dato" in error.lower() for error in screen.errors)
    assert 'value="01.11.2026"' in html and 'value="07.12.2026"' in html


# -- the adjustment and the meeting date ---------------------------------------------------------


def test_adjustment_takes_a_danish_date(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    end = date(clock.today().year + 1, 12, 31)
    original = make_activity(appropriation, **main_fields(end_date=end))
    grant(appropriation, [IUUID(original)], TEAM_LEADER, user=api.user.get_current())
    html = render(portal, original, "bos-activity-view", WORKER)
    assert 'name="start_date"' in html and 'type="date"' not in html
    start = clock.today() + timedelta(days=3)
    messages, _location = post(
        portal,
        original,
        "bos-activity-view",
        WORKER,
        start_date=f"{start.day}.{start.month}.{start.year}",
        payment_amount="12.000,00",
        **{"form.buttons.adjust": "1"},
    )
    adjustment = existing_adjustment(original)
    assert adjustment is not None, messages
    assert adjustment.start_date == start
    assert Decimal(adjustment.payment_amount) == Decimal("12000")


def test_adjustment_with_a_wrong_date_is_explained_and_nothing_is_made(team):  # noqa: F811
    portal, case = team
    appropriation = make_appropriation(case)
    original = make_activity(appropriation, **main_fields())
    grant(appropriation, [IUUID(original)], TEAM_LEADER, user=api.user.get_current())
    messages, location = post(
        portal,
        original,
        "bos-activity-view",
        WORKER,
        start_date="31.09.2026",
        **{"form.buttons.adjust": "1"},
    )
    [message] = messages
    assert message == (
        "Der er ikke lavet nogen justering. Ret venligst følgende: "
        "Justeringen starter den: Datoen 31.09.2026 findes ikke."
    )
    assert location == original.absolute_url()
    assert existing_adjustment(original) is None


def test_meeting_date_danish_or_explained(team):  # noqa: F811
    portal, case = team
    _user("df-udvalg", ["BOSCommitteeSecretary"])
    api.group.add_user(groupname="bos_committee_secretaries", username="df-udvalg")
    appropriation = make_appropriation(case, section="BL-47")
    placement = internal_main_fields(service=uid_of("bos_service", "100406"))
    activity = make_activity(appropriation, **placement)
    api.content.transition(obj=activity, transition="submit")
    html = render(portal, appropriation, "bos-appropriation-view", "df-udvalg")
    assert 'id="bos-meeting-date"' in html and 'type="date"' not in html
    decision = {
        "activities": [IUUID(activity)],
        "approval_level": "boerne_og_ungeudvalget",
        "decision_reference": "Punkt 4",
        "form.buttons.grant": "1",
    }
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        "df-udvalg",
        meeting_date="2. marts",
        **decision,
    )
    [message] = messages
    assert message.endswith(f"Mødedato: {MSG_DATE_FORMAT}"), message
    assert state(activity) == "expected"  # unchanged
    today = clock.today()
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        "df-udvalg",
        meeting_date=f"{today:%d.%m.%Y}",
        **decision,
    )
    assert messages == ["1 ydelse(r) er bevilget."], messages
    assert activity.meeting_date == today
