"""The grant (appropriation) view and the activity view, rendered and posted as given users
in-process (integration layer).

The decision form calls grants.grant / grants.submit and the adjustment form
grants.create_adjustment: the same rules as @bos-grant, @bos-submit and @bos-adjustment. The seed's
rules: a measure below 50.000 kr. a year is the case worker's own competence (egenkompetence),
from 50.000 kr. it needs the team leader; BL-47 needs børne- og ungeudvalget.
"""

import re
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from plone import api
from plone.app.testing import login
from plone.protect.authenticator import createToken
from plone.uuid.interfaces import IUUID
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import Forbidden
from zope.interface import alsoProvides

from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.adjustment import existing_adjustment
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.engine import clock
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.journal.storage import entries
from os2bos_plone.payments.paid import mark_paid
from os2bos_plone.payments.store import stored_payments
from tests.builders import internal_main_fields
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import supplementary_fields
from tests.builders import text_of
from tests.builders import uid_of

TEAM = "familie_oest"
WORKER = "gs-worker"
LEADER = "gs-leader"
READER = "gs-reader"
YEAR = clock.today().year

TEAM_LEADER = DecisionParameters(approval_level="teamleder")


def _user(user_id, roles=(), fullname=""):
    from os2bos_plone.security.users import create_user

    if api.user.get(userid=user_id) is None:
        create_user(user_id, "secret-pw-123", fullname=fullname or user_id)
        if roles:
            api.user.grant_roles(username=user_id, roles=list(roles))
    return user_id


@pytest.fixture
def team(manager):
    """A case worker in the team, the team's leader (no global role: BOS Teamleder comes from
    leading the case's team) and a management reader."""
    from os2bos_plone.security.teams import sync_team_groups

    portal = manager
    _user(WORKER, ["BOSCaseWorker"], "Gitte Sagsbehandler")
    _user(LEADER, (), "Lars Teamleder")
    _user(READER, ["BOSManagement"], "Rikke Ledelse")
    regelmotor = portal["regelmotor"]
    regelmotor.teams = [
        {**row, "leader": LEADER} if row["key"] == TEAM else row for row in regelmotor.teams
    ]
    sync_team_groups(regelmotor)
    api.group.add_user(groupname=f"bos_team_{TEAM}", username=WORKER)
    case = make_case(portal, case_worker=WORKER, team=TEAM, title="Alma Andersen")
    return portal, case


def _request(portal, method="GET", **form):
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    for key in list(request.other):
        if key in ("_authenticator", "activities", "year"):
            del request.other[key]
    request.form.update(form)
    for key, value in form.items():
        request.set(key, value)
    request.method = method
    request.environ["REQUEST_METHOD"] = method
    request.response.setStatus(200)
    request.response.headers.pop("location", None)
    return request


def render(portal, context, name, user, **form):
    login(portal, user)
    request = _request(portal, **form)
    return api.content.get_view(name=name, context=context, request=request)()


def post(portal, context, name, user, token=True, **form):
    """POST ``form`` to the view as ``user``; (status messages, redirect location)."""
    login(portal, user)
    if token:
        form["_authenticator"] = createToken()
    request = _request(portal, method="POST", **form)
    IStatusMessage(request).show()  # forget earlier messages
    api.content.get_view(name=name, context=context, request=request)()
    messages = [message.message for message in IStatusMessage(request).show()]
    return messages, request.response.getHeader("location")


def state(obj):
    return status_of(obj)


# -- the grant view -----------------------------------------------------------------------------


def test_grant_view_groups_main_first_and_nests_adjustments(team):
    portal, case = team
    appropriation = make_appropriation(case, note="Familien ønsker hjælp")
    main = make_activity(appropriation, **main_fields(end_date=date(YEAR + 1, 12, 31)))
    leisure = make_activity(appropriation, **supplementary_fields())
    result = grant(appropriation, [IUUID(main)], TEAM_LEADER, user=api.user.get_current())
    assert result.ok, result.errors
    start = clock.today() + timedelta(days=7)
    adjustment = create_adjustment(
        main, {"start_date": start.isoformat(), "payment_amount": "12000.00"}
    )
    html = render(portal, appropriation, "bos-appropriation-view", WORKER)
    positions = [html.index(f'data-uid="{IUUID(obj)}"') for obj in (main, adjustment, leisure)]
    assert positions == sorted(positions), "main, its adjustment, then the supplementary one"
    assert 'class="bos-activity bos-depth-1 bos-row-expected"' in html
    text = text_of(html)
    assert "Hovedydelse" in text and "Følgeydelser" in text
    assert "Forventet justering af ydelsen ovenfor:" in text
    for word in ("Kladde", "Forventet", "Bevilget"):
        assert word in text
    assert "Familien ønsker hjælp" in text
    assert "Alma Andersen" in text
    assert "Barnets lov § 32, stk. 1, nr. 5 – " in text
    assert f"Udgift {YEAR}" in text and f"Forventet udgift {YEAR}" in text
    assert "Månedligt den 1." in text and "Månedligt den 15." in text
    # granted 10.000 kr. a month this year (the provider's VAT factor applies, so only the shape)
    assert re.search(r"I alt \d[\d.]*,\d\d kr\. \d[\d.]*,\d\d kr\.", text)
    # the case worker may submit the draft; the expected adjustment needs the team leader
    assert f'value="{IUUID(leisure)}"' in html
    assert f'value="{IUUID(adjustment)}"' not in html
    assert f'value="{IUUID(main)}"' not in html
    assert "Tilføj ydelse" in text
    leader_html = render(portal, appropriation, "bos-appropriation-view", LEADER)
    assert f'value="{IUUID(adjustment)}"' in leader_html
    assert f'value="{IUUID(main)}"' not in leader_html


def test_year_selector_changes_the_figures(team):
    portal, case = team
    appropriation = make_appropriation(case)
    main = make_activity(appropriation, **main_fields(payment_amount=Decimal("1000.00")))
    grant(appropriation, [IUUID(main)], TEAM_LEADER, user=api.user.get_current())
    this_year = text_of(render(portal, appropriation, "bos-appropriation-view", WORKER))
    next_year = text_of(
        render(portal, appropriation, "bos-appropriation-view", WORKER, year=str(YEAR + 1))
    )
    assert f"Udgift {YEAR + 1}" in next_year
    assert "I alt 0,00 kr. 0,00 kr." in next_year
    assert "I alt 0,00 kr. 0,00 kr." not in this_year


def test_case_worker_grants_within_own_competence(team):
    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields(payment_amount=Decimal("1000.00")))
    html = render(portal, appropriation, "bos-appropriation-view", WORKER)
    assert "Bevilg valgte" in html and "Indstil valgte" in html
    assert "Kræver Egenkompetence" in text_of(html)
    assert '<option value="egenkompetence" selected="selected"' in html
    messages, location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        WORKER,
        activities=[IUUID(activity)],
        approval_level="egenkompetence",
        note="Inden for egen kompetence",
        **{"form.buttons.grant": "1"},
    )
    assert messages == ["1 ydelse(r) er bevilget."]
    assert location.startswith(appropriation.absolute_url())
    assert state(activity) == "granted"
    assert (activity.approval_level, activity.approval_user) == ("egenkompetence", WORKER)
    assert activity.approval_note == "Inden for egen kompetence"


def test_post_without_token_is_refused_and_changes_nothing(team):
    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields(payment_amount=Decimal("1000.00")))
    with pytest.raises(Forbidden):
        post(
            portal,
            appropriation,
            "bos-appropriation-view",
            WORKER,
            token=False,
            activities=[IUUID(activity)],
            approval_level="egenkompetence",
            **{"form.buttons.grant": "1"},
        )
    assert state(activity) == "draft"


def test_case_worker_without_competence_gets_the_danish_error(team):
    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())  # 120.000 kr. a year: team leader
    html = render(portal, appropriation, "bos-appropriation-view", WORKER)
    text = text_of(html)
    assert "Kræver Teamleder" in text
    assert "du har ikke denne bevillingskompetence" in text
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        WORKER,
        activities=[IUUID(activity)],
        approval_level="egenkompetence",
        **{"form.buttons.grant": "1"},
    )
    # One box: the introduction, then what to correct.
    [message] = messages
    assert message.startswith("Intet er ændret. Ret venligst følgende: ")
    assert "»Teamleder«" in message, message
    assert state(activity) == "draft"
    assert not activity.approval_level


def test_every_broken_rule_is_shown(team):
    portal, case = team
    appropriation = make_appropriation(case)
    make_activity(appropriation, **main_fields(payment_amount=Decimal("1000.00")))
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        WORKER,
        approval_level="",
        **{"form.buttons.grant": "1"},
    )
    # no level and no activity: both rules reported at once, in one box
    [message] = messages
    assert "Angiv venligst bevillingskompetence" in message, message
    assert "Vælg mindst én ydelse, der skal bevilges." in message, message


def test_submitted_measure_is_granted_by_the_team_leader(team):
    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        WORKER,
        activities=[IUUID(activity)],
        note="Bør bevilges",
        **{"form.buttons.submit": "1"},
    )
    assert messages == ["1 ydelse(r) er indstillet til godkendelse på niveauet »Teamleder«."]
    assert state(activity) == "expected"
    # the case worker can no longer decide it
    html = render(portal, appropriation, "bos-appropriation-view", WORKER)
    assert f'value="{IUUID(activity)}"' not in html
    # the team leader can
    html = render(portal, appropriation, "bos-appropriation-view", LEADER)
    assert f'value="{IUUID(activity)}"' in html
    assert "(du kan bevilge)" in html
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        LEADER,
        activities=[IUUID(activity)],
        approval_level="teamleder",
        note="OK",
        **{"form.buttons.grant": "1"},
    )
    assert messages == ["1 ydelse(r) er bevilget."]
    assert state(activity) == "granted"
    assert (activity.approval_level, activity.approval_user) == ("teamleder", LEADER)


def test_team_leader_rejects_a_submitted_measure_with_a_reason(team):

    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())  # needs Teamleder
    post(
        portal,
        appropriation,
        "bos-appropriation-view",
        WORKER,
        activities=[IUUID(activity)],
        **{"form.buttons.submit": "1"},
    )
    assert state(activity) == "expected"
    # the case worker holds no competence for it: no reject button, and a POST is refused
    assert "Afvis valgte" not in render(portal, appropriation, "bos-appropriation-view", WORKER)
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        WORKER,
        activities=[IUUID(activity)],
        note="Nej",
        **{"form.buttons.reject": "1"},
    )
    assert messages[0].startswith("Intet er ændret. Ret venligst følgende: ")
    assert state(activity) == "expected"
    # the team leader sees the button; without a reason nothing changes
    assert "Afvis valgte" in render(portal, appropriation, "bos-appropriation-view", LEADER)
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        LEADER,
        activities=[IUUID(activity)],
        note="  ",
        **{"form.buttons.reject": "1"},
    )
    assert messages == [
        "Intet er ændret. Ret venligst følgende: Angiv en begrundelse for afvisningen",
    ]
    assert state(activity) == "expected"
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        LEADER,
        activities=[IUUID(activity)],
        note="Undersøg først netværket",
        **{"form.buttons.reject": "1"},
    )
    assert messages == ["1 ydelse(r) er sendt tilbage til kladde."]
    assert state(activity) == "draft"
    entry = entries(case)[0]
    assert (entry.action, entry.comment) == ("activity_reject", "Undersøg først netværket")
    # a draft cannot be rejected
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        LEADER,
        activities=[IUUID(activity)],
        note="Igen",
        **{"form.buttons.reject": "1"},
    )
    [message] = messages
    assert "afventer ikke godkendelse og kan ikke afvises" in message, message


def test_committee_level_needs_meeting_date_and_reference(team):
    portal, case = team
    _user("gs-udvalg", ["BOSCommitteeSecretary"])
    api.group.add_user(groupname="bos_committee_secretaries", username="gs-udvalg")
    appropriation = make_appropriation(case, section="BL-47")
    placement = internal_main_fields(service=uid_of("bos_service", "100406"))
    activity = make_activity(appropriation, **placement)
    assert state(activity) == "draft"
    # The committee secretary is no case team member: the secretaries' group reads the case once
    # it is before the committee, i.e. submitted at a committee level.
    api.content.transition(obj=activity, transition="submit")
    assert state(activity) == "expected"
    html = render(portal, appropriation, "bos-appropriation-view", "gs-udvalg")
    assert 'name="meeting_date"' in html and 'name="decision_reference"' in html
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        "gs-udvalg",
        activities=[IUUID(activity)],
        approval_level="boerne_og_ungeudvalget",
        **{"form.buttons.grant": "1"},
    )
    assert any("mødet" in message for message in messages), messages
    assert any("reference" in message for message in messages), messages
    assert state(activity) == "expected"  # unchanged
    messages, _location = post(
        portal,
        appropriation,
        "bos-appropriation-view",
        "gs-udvalg",
        activities=[IUUID(activity)],
        approval_level="boerne_og_ungeudvalget",
        meeting_date=clock.today().isoformat(),
        decision_reference="Punkt 4",
        **{"form.buttons.grant": "1"},
    )
    assert messages == ["1 ydelse(r) er bevilget."], messages
    assert activity.decision_reference == "Punkt 4"


def test_reader_sees_no_decision_form(team):
    portal, case = team
    appropriation = make_appropriation(case)
    make_activity(appropriation, **main_fields())
    html = render(portal, appropriation, "bos-appropriation-view", READER)
    assert "Bevilg valgte" not in html and "Indstil valgte" not in html
    assert "Tilføj ydelse" not in html
    assert "Familiebehandling" in html or "Hovedydelse" in html


# -- the activity view ----------------------------------------------------------------------------


def test_activity_view_shows_fields_plan_costs_and_payments(team):
    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields(payment_amount=Decimal("1000.00")))
    grant(appropriation, [IUUID(activity)], TEAM_LEADER, user=api.user.get_current())
    first = stored_payments(activity)[0]
    mark_paid(activity, first.date, Decimal("1234.50"), date(YEAR, 3, 3), user_id="x")
    text = text_of(render(portal, activity, "bos-activity-view", WORKER))
    assert "Månedligt den 1." in text
    assert "Barnets lov § 32, stk. 1, nr. 5 – " in text
    assert "Kompasrosen" in text  # recipient name, and the provider's title, never a UID
    assert activity.service not in text and activity.service_provider not in text
    assert "Fast beløb" in text or "Løbende" in text or "Løbende betaling" in text
    assert f"Betalt 1.234,50 kr. den 3. marts {YEAR}" in text
    assert "Ikke betalt" in text
    assert re.search(rf"{YEAR} \(12 betalinger, i alt [\d.]+,\d\d kr\.\)", text)
    for label in ("Pr. betaling", f"I år ({YEAR})", f"Næste år ({YEAR + 1})", "Årlig udgift"):
        assert label in text
    assert "Lav forventet justering" in text
    assert "Teamleder" in text  # the recorded approval level by title


def test_activity_view_opens_only_this_year_of_a_long_plan(team):
    """A daily plan over two years and a bit: 700+ payments; only this year's table is open."""
    portal, case = team
    appropriation = make_appropriation(case)
    activity = make_activity(
        appropriation,
        **main_fields(
            payment_frequency="daily",
            payment_day_of_month=None,
            payment_amount=Decimal("100.00"),
            start_date=date(YEAR, 1, 1),
            end_date=date(YEAR + 2, 1, 31),
        ),
    )
    html = render(portal, activity, "bos-activity-view", WORKER)
    blocks = re.findall(r"<details[^>]*bos-payment-year[^>]*>", html)
    assert len(blocks) == 3
    assert ["open" in block for block in blocks] == [True, False, False]
    days = (date(YEAR + 1, 1, 1) - date(YEAR, 1, 1)).days
    assert f"({days} betalinger, i alt" in text_of(html)
    assert "(31 betalinger, i alt 3.007,00 kr.)" in text_of(html)  # 100 kr. at 97 %


def test_adjustment_is_made_from_the_activity_view(team):
    portal, case = team
    appropriation = make_appropriation(case)
    original = make_activity(appropriation, **main_fields(end_date=date(YEAR + 1, 12, 31)))
    grant(appropriation, [IUUID(original)], TEAM_LEADER, user=api.user.get_current())
    start = clock.today() + timedelta(days=3)
    messages, location = post(
        portal,
        original,
        "bos-activity-view",
        WORKER,
        start_date=start.isoformat(),
        payment_amount="12.000,00",
        **{"form.buttons.adjust": "1"},
    )
    adjustment = existing_adjustment(original)
    assert adjustment is not None, messages
    assert messages == ["Den forventede justering er oprettet og indstillet til godkendelse."]
    assert location == adjustment.absolute_url()
    assert state(adjustment) == "expected"
    assert adjustment.modifies == IUUID(original)
    assert Decimal(adjustment.payment_amount) == Decimal("12000")
    assert adjustment.start_date == start
    assert state(original) == "granted"
    # the original now links to its adjustment, and offers no second one
    text = text_of(render(portal, original, "bos-activity-view", WORKER))
    assert "Forventet justering:" in text
    assert "Lav forventet justering" not in text


def test_adjustment_errors_are_shown_and_nothing_is_created(team):
    portal, case = team
    appropriation = make_appropriation(case)
    original = make_activity(appropriation, **main_fields())
    grant(appropriation, [IUUID(original)], TEAM_LEADER, user=api.user.get_current())
    messages, location = post(
        portal,
        original,
        "bos-activity-view",
        WORKER,
        start_date=(clock.today() - timedelta(days=30)).isoformat(),
        **{"form.buttons.adjust": "1"},
    )
    # One box: the introduction followed by what to correct (a start in the past).
    [message] = messages
    intro = "Der er ikke lavet nogen justering. Ret venligst følgende: "
    assert message.startswith(intro) and len(message) > len(intro), message
    assert location == original.absolute_url()
    assert existing_adjustment(original) is None


def test_reader_may_not_adjust(team):
    portal, case = team
    appropriation = make_appropriation(case)
    original = make_activity(appropriation, **main_fields())
    grant(appropriation, [IUUID(original)], TEAM_LEADER, user=api.user.get_current())
    text = text_of(render(portal, original, "bos-activity-view", READER))
    assert "Lav forventet justering" not in text
    assert "Månedligt den 1." in text
    with pytest.raises(Forbidden):
        post(
            portal,
            original,
            "bos-activity-view",
            READER,
            start_date=(clock.today() + timedelta(days=3)).isoformat(),
            **{"form.buttons.adjust": "1"},
        )
    assert existing_adjustment(original) is None
