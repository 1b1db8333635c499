"""Shared builders for case tests over REST."""

import itertools
import uuid

_serial = itertools.count(1)

#: Lindely Familiebehandling I/S, a seed provider with VAT factor 100.
LINDELY = "94789311"
#: Kompasrosen Familie- og Ungerådgivning ApS, VAT factor 97.00.
KOMPASROSEN = "97643024"


def unique_sbsys(prefix="27.24.00-G01"):
    """A fresh SBSYS id (ids are unique site-wide and the functional layer is shared)."""
    return f"{prefix}-{next(_serial)}-{uuid.uuid4().hex[:6]}"


def uid_of(session, path):
    response = session.get(f"{session.base}/{path}")
    assert response.status_code == 200, response.text
    return response.json()["UID"]


def create_case(session, sbsys_id=None, expect=201, **fields):
    data = {
        "@type": "bos_case",
        "sbsys_id": sbsys_id or unique_sbsys(),
        "cpr_number": "010118-1234",
        "title": "Alma Andersen",
        "target_group": "familie",
        "district": fields.pop("district", None) or "nord",
        "effort_step": 3,
        "scaling_step": 5,
        "paying_municipality": "151",
        "acting_municipality": "151",
        "residence_municipality": "151",
    }
    data.update(fields)
    response = session.post(f"{session.base}/sager", json=data)
    assert response.status_code == expect, response.text
    return response.json()


def create_appropriation(session, case_url, sbsys_id=None, section="BL-32-1.5"):
    section_uid = uid_of(session, f"regelmotor/{section.lower()}")
    response = session.post(
        case_url,
        json={
            "@type": "bos_appropriation",
            "sbsys_id": sbsys_id or unique_sbsys("27.24.00-G01-A"),
            "section": section_uid,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


_uids = {}


def service_uid(session, service_id):
    key = ("service", service_id)
    if key not in _uids:
        _uids[key] = uid_of(session, f"regelmotor/ydelse-{service_id}")
    return _uids[key]


def provider_uid(session, cvr):
    key = ("provider", cvr)
    if key not in _uids:
        _uids[key] = uid_of(session, f"regelmotor/cvr-{cvr}")
    return _uids[key]


def create_activity(session, appropriation_url, expect=201, **fields):
    response = session.post(appropriation_url, json={"@type": "bos_activity", **fields})
    assert response.status_code == expect, response.text
    return response.json()


def monthly_main(session, **changes):
    """A main activity: family treatment, 10,000 kr. on the 1st of each month of 2027, invoiced."""
    fields = {
        "service": service_uid(session, "100206"),
        "activity_type": "main",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 1,
        "payment_cost_type": "fixed",
        "payment_amount": "10000.00",
        "service_provider": provider_uid(session, LINDELY),
        "recipient_type": "company",
        "recipient_id": LINDELY,
        "recipient_name": "Lindely Familiebehandling I/S",
        "payment_method": "invoice",
    }
    fields.update(changes)
    return fields


def monthly_supplementary(session, **changes):
    """A supplementary activity: leisure activities, 500 kr. on the 15th, to an internal unit."""
    fields = {
        "service": service_uid(session, "100108"),
        "activity_type": "supplementary",
        "start_date": "2027-03-01",
        "end_date": "2027-12-31",
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 15,
        "payment_cost_type": "fixed",
        "payment_amount": "500",
        "recipient_type": "internal",
        "recipient_id": "fritid",
        "recipient_name": "Fritidsklubben",
        "payment_method": "internal",
    }
    fields.update(changes)
    return fields


def field_errors(response):
    """{field: [messages]} of a 400 answer with structured errors."""
    assert response.status_code == 400, response.text
    result = {}
    for error in response.json()["errors"]:
        result.setdefault(error["field"], []).append(error["message"])
    return result


def payments(session, activity_url, year=None):
    params = {"year": year} if year is not None else {}
    response = session.get(f"{activity_url}/@bos-payments", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def costs(session, url, year):
    response = session.get(f"{url}/@bos-costs", params={"year": year})
    assert response.status_code == 200, response.text
    return response.json()


def grant(session, appropriation_url, uids, level="teamleder", note="", expect=200):
    response = session.post(
        f"{appropriation_url}/@bos-grant",
        json={"activities": uids, "approval_level": level, "approval_note": note},
    )
    assert response.status_code == expect, response.text
    return response.json()


def state_of(session, url):
    response = session.get(url)
    assert response.status_code == 200, response.text
    return response.json()["review_state"]


def new_appropriation(session, section="BL-32-1.5"):
    """A fresh case with one appropriation under ``section``: (case, appropriation)."""
    case = create_case(session)
    return case, create_appropriation(session, case["@id"], section=section)


def team_users(http, team="familie_oest", suffix=""):
    """A case worker in ``team`` and the team's leader, as (worker, leader) sessions.

    Access to cases follows the case's team (os2bos_plone.localroles): the worker is a member of
    the team's group, the leader is the team's leader on the regelmotor."""
    import transaction
    from plone import api

    from os2bos_plone.security.teams import sync_team_groups

    worker_id, leader_id = f"sb-{team}{suffix}", f"tl-{team}{suffix}"
    worker = http(worker_id, roles=["BOSCaseWorker"])
    leader = http(leader_id)
    regelmotor = api.portal.get()["regelmotor"]
    regelmotor.teams = [
        {**row, "leader": leader_id} if row["key"] == team else row for row in regelmotor.teams
    ]
    sync_team_groups(regelmotor)
    api.group.add_user(groupname=f"bos_team_{team}", username=worker_id)
    transaction.commit()
    return worker, leader
