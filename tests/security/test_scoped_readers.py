"""Section leaders read the cases of the teams in their afsnit; committee secretaries read the
cases before the committee (os2bos_plone.security.localroles, security.committee).

Each door is asked: the REST GET, the Classic UI view, @search (the catalog's security) and
"Til godkendelse" (@bos-my-approvals). A case the user may not read answers as any unreadable
case does (403 over REST, refused in the browser) and is absent from every listing."""

from tests.builders import committee_secretary
from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import section_leader
from tests.builders import service_uid
from tests.builders import state_of
from tests.builders import team_users


def _found(session, portal_type):
    response = session.get(
        f"{session.base}/@search", params={"portal_type": portal_type, "b_size": 1000}
    )
    assert response.status_code == 200, response.text
    return {item["@id"] for item in response.json()["items"]}


def reads(session, obj, portal_type="bos_case"):
    """Whether the user reads the object, asked over REST and of the catalog; the two agree."""
    status = session.get(obj["@id"]).status_code
    assert status in (200, 403), status
    assert (obj["@id"] in _found(session, portal_type)) is (status == 200), session.auth
    return status == 200


def refused(response):
    """401/403, or Plone's redirect of a logged-in user to the "insufficient privileges" page."""
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "require_login" in location


def html(session, url):
    return session.get(url, headers={"Accept": "text/html"}, allow_redirects=False)


def waiting(session):
    response = session.get(f"{session.base}/@bos-my-approvals")
    assert response.status_code == 200, response.text
    return {item["UID"] for item in response.json()["items"]}


def submit(session, appropriation, activity):
    response = session.post(
        f"{appropriation['@id']}/@bos-submit", json={"activities": [activity["UID"]]}
    )
    assert response.status_code == 200, response.text
    return response.json()["required_level"]["token"]


def _placement_with_the_family(admin, team):
    """A case of ``team`` with a family placement (BL-32-1.6) submitted to the afsnitsleder."""
    case = create_case(admin, team=team)
    appropriation = create_appropriation(admin, case["@id"], section="BL-32-1.6")
    fields = monthly_main(admin, service=service_uid(admin, "100208"), payment_amount="1000.00")
    activity = create_activity(admin, appropriation["@id"], **fields)
    assert submit(admin, appropriation, activity) == "afsnitsleder"
    return case, appropriation, activity


def test_a_section_leader_reads_the_cases_of_their_afsnit_only(http):
    admin = http()
    # The seed puts familie_oest in the afsnit »familie« and handicap in »handicap_unge«.
    leader = section_leader(http, "al-familie", team="familie_oest")
    other = section_leader(http, "al-handicap", team="handicap")
    own, own_appropriation, own_activity = _placement_with_the_family(admin, "familie_oest")
    foreign, foreign_appropriation, foreign_activity = _placement_with_the_family(admin, "handicap")

    assert reads(leader, own) and not reads(leader, foreign)
    assert reads(other, foreign) and not reads(other, own)
    assert reads(leader, own_appropriation, "bos_appropriation")
    assert not reads(leader, foreign_appropriation, "bos_appropriation")
    assert reads(leader, own_activity, "bos_activity")
    assert not reads(leader, foreign_activity, "bos_activity")
    assert "cpr_number" not in leader.get(foreign["@id"]).text
    # the Classic UI
    assert html(leader, own["@id"]).status_code == 200
    assert refused(html(leader, foreign["@id"]))
    assert refused(html(leader, foreign_appropriation["@id"]))
    # "Til godkendelse": the submissions of the afsnit's cases only
    assert own_activity["UID"] in waiting(leader)
    assert foreign_activity["UID"] not in waiting(leader)
    assert foreign_activity["UID"] in waiting(other)
    # the section leader still decides at their level, on their afsnit's cases
    assert grant(leader, own_appropriation["@id"], [own_activity["UID"]], "afsnitsleder") == {
        "granted": [own_activity["UID"]]
    }
    response = leader.post(
        f"{foreign_appropriation['@id']}/@bos-grant",
        json={"activities": [foreign_activity["UID"]], "approval_level": "afsnitsleder"},
    )
    assert response.status_code in (401, 403, 404), response.text
    assert state_of(admin, foreign_activity["@id"]) == "expected"


def _edit_regelmotor(session, name, change):
    """Edit one list of the regelmotor over REST (its modified event follows, as after the form)."""
    url = f"{session.base}/regelmotor"
    rows = [change(dict(row)) for row in session.get(url).json()[name]]
    response = session.patch(url, json={name: rows})
    assert response.status_code == 204, response.text


def test_moving_a_team_or_changing_the_afsnit_leader_changes_who_reads(http):
    admin = http()
    first = section_leader(http, "al-first", team="familie_vest")
    second = section_leader(http, "al-second", team="unge")
    third = http("al-third", roles=["BOSSectionLeader"])
    case = create_case(admin, team="familie_vest")
    assert reads(first, case) and not reads(second, case)

    # the team moves to the other afsnit
    _edit_regelmotor(
        admin,
        "teams",
        lambda row: {**row, "unit": "handicap_unge"} if row["key"] == "familie_vest" else row,
    )
    assert reads(second, case) and not reads(first, case)

    # the afsnit gets another leader
    _edit_regelmotor(
        admin,
        "units",
        lambda row: {**row, "leader": "al-third"} if row["key"] == "handicap_unge" else row,
    )
    assert reads(third, case) and not reads(second, case) and not reads(first, case)


def test_the_committee_secretary_reads_the_cases_before_the_committee(http):
    worker, leader = team_users(http, suffix="-udvalgslaeser")
    secretary = committee_secretary(http, "us-laeser")
    case = create_case(worker, team="familie_oest")
    appropriation = create_appropriation(worker, case["@id"], section="BL-47")
    placement = monthly_main(
        worker, service=service_uid(worker, "100406"), payment_amount="20000.00"
    )
    activity = create_activity(worker, appropriation["@id"], **placement)
    # a draft that will need the committee is not before it yet
    assert not reads(secretary, case)
    assert not reads(secretary, activity, "bos_activity")

    assert submit(worker, appropriation, activity) == "boerne_og_ungeudvalget"
    assert reads(secretary, case)
    assert reads(secretary, appropriation, "bos_appropriation")
    assert reads(secretary, activity, "bos_activity")
    assert html(secretary, case["@id"]).status_code == 200
    assert activity["UID"] in waiting(secretary)

    decision = {
        "activities": [activity["UID"]],
        "approval_level": "boerne_og_ungeudvalget",
        "meeting_date": "2026-11-20",
        "decision_reference": "BUU 20.11.2026, pkt. 4",
        "decision_text": "Udvalget godkender anbringelsen.",
    }
    response = secretary.post(f"{appropriation['@id']}/@bos-grant", json=decision)
    assert response.status_code == 200, response.text
    # decided at the committee level: the case stays before the committee
    assert reads(secretary, case)
    assert reads(secretary, activity, "bos_activity")

    # a case submitted below the committee level is never the secretary's
    other = create_case(worker, team="familie_oest")
    other_appropriation = create_appropriation(worker, other["@id"])
    other_activity = create_activity(
        worker, other_appropriation["@id"], **monthly_main(worker, payment_amount="10000.00")
    )
    assert submit(worker, other_appropriation, other_activity) == "teamleder"
    assert not reads(secretary, other)
    assert refused(html(secretary, other["@id"]))
    assert other_activity["UID"] not in waiting(secretary)
    # ...nor is it once decided there
    grant(leader, other_appropriation["@id"], [other_activity["UID"]])
    assert not reads(secretary, other)
