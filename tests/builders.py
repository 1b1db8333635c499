"""The builders and helpers every test folder shares.

In-process builders (integration layer): ``make_case``, ``make_appropriation``, ``make_activity``
with ``main_fields`` / ``supplementary_fields``, ``add_activity``, ``grant_decision``, ``view``.
REST builders (functional layer, a ``http`` session): ``create_case``, ``create_appropriation``,
``create_activity`` with ``monthly_main`` / ``monthly_supplementary``, ``grant``, ``payments``.
Plain helpers: the seed rows, the OS2BOS sample, mails, PDF and HTML text.

Import it after tests/conftest.py has set the day (BOS_TODAY): ``YEAR`` is this year at import.
"""

import copy
import io
import itertools
import json
import os
import re
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from plone import api
from plone.dexterity.utils import createContentInContainer
from plone.uuid.interfaces import IUUID
from pypdf import PdfReader
from zope.event import notify
from zope.interface import alsoProvides

from os2bos_plone.classification.reader import by_key
from os2bos_plone.decisions.grant import grant as grant_activities
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.engine import clock
from os2bos_plone.interchange.kinds import KIND_NAMES
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.journal.storage import entries

_serial = itertools.count(1)

#: This year as the suite runs it (the product's clock, BOS_TODAY), fixed at import.
YEAR = clock.today().year

CHILD_NAME = "Ærlige Øjvind Ågård"
CPR = "010118-1234"
#: Lindely Familiebehandling I/S, a seed provider with VAT factor 100.
LINDELY = "94789311"
#: Kompasrosen Familie- og Ungerådgivning ApS, VAT factor 97.00.
KOMPASROSEN = "97643024"
#: Solsikken, a seed provider of placements.
SOLSIKKE = "93766989"

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "src" / "os2bos_plone" / "data" / "seed"
SAMPLE = Path(__file__).resolve().parent / "interchange" / "os2bos_sample"
#: An OS2BOS installation's fixtures beside the repository (never copied into it).
OS2BOS_DATA = REPO.parent / "shared" / "os2bos-data"


def unique_sbsys(prefix="27.24.00-G01"):
    """A fresh SBSYS id (ids are unique site-wide and the functional layer is shared)."""
    return f"{prefix}-{next(_serial)}-{uuid.uuid4().hex[:6]}"


def uid_of(portal_type, key):
    """The UID of a regelmotor object by its key (service id, CVR, section key, ...)."""
    obj = by_key(portal_type, key)
    assert obj is not None, (portal_type, key)
    return IUUID(obj)


# -- content made in-process (integration layer) ------------------------------------------------


def make_case(portal, **fields):
    values = {
        "sbsys_id": unique_sbsys(),
        "cpr_number": CPR,
        "title": CHILD_NAME,
        "target_group": "familie",
        "district": "nord",
        "effort_step": 3,
        "scaling_step": 5,
        "paying_municipality": "151",
        "acting_municipality": "151",
        "residence_municipality": "101",
    }
    values.update(fields)
    return createContentInContainer(portal["sager"], "bos_case", **values)


def make_appropriation(case, section="BL-32-1.5", **fields):
    return createContentInContainer(
        case,
        "bos_appropriation",
        sbsys_id=fields.pop("sbsys_id", None) or unique_sbsys("27.24.00-G01-A"),
        section=uid_of("bos_section", section),
        **fields,
    )


def this_year():
    return clock.today().year


def main_fields(**changes):
    """Family treatment, 10.000,00 kr. on the 1st of each month of this year, invoiced."""
    year = this_year()
    fields = {
        "service": uid_of("bos_service", "100206"),
        "activity_type": "main",
        "start_date": date(year, 1, 1),
        "end_date": date(year, 12, 31),
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 1,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal("10000.00"),
        "recipient_type": "company",
        "recipient_id": KOMPASROSEN,
        "recipient_name": "Kompasrosen",
        "service_provider": uid_of("bos_service_provider", KOMPASROSEN),
        "payment_method": "invoice",
    }
    fields.update(changes)
    return fields


def internal_main_fields(**changes):
    """The main activity paid internally (no provider, so no VAT factor): 10.000,00 kr."""
    values = {
        "service_provider": None,
        "recipient_type": "internal",
        "recipient_id": "familiehuset",
        "recipient_name": "Familiehuset",
        "payment_method": "internal",
    }
    values.update(changes)
    return main_fields(**values)


def supplementary_fields(**changes):
    """Leisure activities, 500 kr. on the 15th of each month from March, internal."""
    year = this_year()
    fields = {
        "service": uid_of("bos_service", "100108"),
        "activity_type": "supplementary",
        "start_date": date(year, 3, 1),
        "end_date": date(year, 12, 31),
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 15,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal("500"),
        "recipient_type": "internal",
        "recipient_id": "fritid",
        "recipient_name": "Fritidsklubben",
        "payment_method": "internal",
    }
    fields.update(changes)
    return fields


#: Settings a Danmarks Statistik delivery needs (Ballerup's numbers, invented contacts).
DST_SETTINGS = {
    "municipality_number": "151",
    "cvr_number": "29189803",
    "p_number": "1003238867",
    "dst_subject_name": "Faglig Fie",
    "dst_subject_email": "fie@ballerup.dk",
    "dst_technical_name": "Teknisk Tom",
    "dst_technical_email": "tom@ballerup.dk",
    "dst_receipt_name": "Kvittering Kim",
    "dst_receipt_email": "kim@ballerup.dk",
}


def make_activity(appropriation, **fields):
    return createContentInContainer(appropriation, "bos_activity", **fields)


def granted_main(portal, **changes):
    """A new case with one appropriation whose main activity (``main_fields(**changes)``) is
    granted by a decision at team leader level: (case, activity)."""
    case = make_case(portal)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields(**changes))
    grant_decision(appropriation, [activity])
    return case, activity


def entries_with(case, action):
    return [entry for entry in entries(case) if entry.action == action]


def grant_decision(
    appropriation, granted, level="teamleder", note="Bevilget på teammødet", merges=()
):
    """Grant through grants.grant and make sure the decision event is fired exactly once: the
    grant service fires IActivitiesGranted itself once the lead has wired it."""
    from os2bos_plone.adapters.lookup import case_of
    from os2bos_plone.decisions.events import ActivitiesGranted

    case = case_of(appropriation)
    before = len(entries_with(case, "activities_granted"))
    user = api.user.get_current()
    uids = [IUUID(a) for a in granted]
    parameters = DecisionParameters(approval_level=level, note=note)
    result = grant_activities(appropriation, uids, parameters, user=user)
    assert result.ok, result.errors
    if len(entries_with(case, "activities_granted")) == before:
        level_obj = by_key("bos_approval_level", level)
        by_uid = {IUUID(a): a for a in appropriation.objectValues()}
        notify(
            ActivitiesGranted(
                appropriation,
                [by_uid[uid] for uid in result.granted if uid in by_uid],
                {
                    "approval_level": level,
                    "approval_level_title": level_obj.title,
                    "approval_note": note,
                    "approval_user": user.getId(),
                    "appropriation_date": clock.today(),
                    "meeting_date": None,
                    "decision_reference": "",
                    "decision_text": "",
                    "merges": list(merges),
                    "end_date_changes": {},
                },
            )
        )
    return result


def ensure_user(user_id, fullname, roles=()):
    from os2bos_plone.security.users import create_user

    if api.user.get(userid=user_id) is None:
        create_user(user_id, "secret-pw-123", fullname=fullname)
        if roles:
            api.user.grant_roles(username=user_id, roles=list(roles))
    return user_id


def add_activity(
    appropriation,
    state="granted",
    amount="10000.00",
    start=None,
    end=None,
    service="100206",
    provider=KOMPASROSEN,
    activity_type="main",
    **changes,
):
    """A monthly plan (1st of the month) of ``amount``; this year by default."""
    fields = {
        "service": uid_of("bos_service", service),
        "activity_type": activity_type,
        "start_date": start or date(YEAR, 1, 1),
        "end_date": end or date(YEAR, 12, 31),
        "payment_type": "running",
        "payment_frequency": "monthly",
        "payment_day_of_month": 1,
        "payment_cost_type": "fixed",
        "payment_amount": Decimal(amount),
        "recipient_type": "company" if provider else "internal",
        "recipient_id": provider or "intern",
        "recipient_name": "Leverandør",
        "service_provider": uid_of("bos_service_provider", provider) if provider else None,
        "payment_method": "invoice" if provider else "internal",
    }
    fields.update(changes)
    activity = createContentInContainer(appropriation, "bos_activity", **fields)
    if state == "granted":
        api.content.transition(obj=activity, transition="grant")
    elif state == "expected":
        api.content.transition(obj=activity, transition="submit")
    return activity


def view(portal, name, context=None, **form):
    """A browser view of ``context`` (the site by default) with ``form`` on the request."""
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    request.form.update({key: str(value) for key, value in form.items()})
    for key, value in form.items():
        request.set(key, str(value))
    return api.content.get_view(name=name, context=context or portal, request=request)


# -- content over REST (functional layer, an ``http`` session) --------------------------------

_uids = {}


def uid_at(session, path):
    """The UID of the object at ``path`` below the site, read over REST."""
    response = session.get(f"{session.base}/{path}")
    assert response.status_code == 200, response.text
    return response.json()["UID"]


def case_fields(**changes):
    """The REST body of a valid case (Alma Andersen, team-less, family target group)."""
    fields = {
        "@type": "bos_case",
        "sbsys_id": unique_sbsys(),
        "cpr_number": "010118-1234",
        "title": "Alma Andersen",
        "target_group": "familie",
        "district": "nord",
        "effort_step": 3,
        "scaling_step": 5,
        "paying_municipality": "151",
        "acting_municipality": "151",
        "residence_municipality": "151",
    }
    fields.update(changes)
    return fields


def create_case(session, sbsys_id=None, expect=201, **fields):
    data = case_fields(**fields)
    data["sbsys_id"] = sbsys_id or data["sbsys_id"]
    data["district"] = data["district"] or "nord"
    response = session.post(f"{session.base}/sager", json=data)
    assert response.status_code == expect, response.text
    return response.json()


def create_appropriation(session, case_url, sbsys_id=None, section="BL-32-1.5"):
    section_uid = uid_at(session, f"regelmotor/{section.lower()}")
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


def service_uid(session, service_id):
    key = ("service", service_id)
    if key not in _uids:
        _uids[key] = uid_at(session, f"regelmotor/ydelse-{service_id}")
    return _uids[key]


def provider_uid(session, cvr):
    key = ("provider", cvr)
    if key not in _uids:
        _uids[key] = uid_at(session, f"regelmotor/cvr-{cvr}")
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
    response = session.get(url, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()["review_state"]


def journal_of(session, case_url, action):
    """The case's journal entries of ``action`` over REST."""
    response = session.get(f"{case_url}/@bos-journal", timeout=120)
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item["action"] == action]


def letters_of(session, case_url):
    """The case's letters (bos_letter items) over REST."""
    response = session.get(case_url, timeout=120)
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item["@type"] == "bos_letter"]


def in_parallel(calls, timeout=180):
    """Run the calls at the same moment, one thread each; their results (or errors) in order."""
    import threading

    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        try:
            results[index] = call()
        except Exception as error:  # the caller's assertions name it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


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


def lead_unit(leader, unit="familie", teams=()):
    """Make ``leader`` the leader of the afsnit ``unit`` (created when missing) and move ``teams``
    into it; in-process (commit yourself for the functional layer). Returns the unit key.

    The leader of a team's afsnit reads the team's cases (os2bos_plone.security.localroles)."""
    from os2bos_plone.security.teams import sync_team_groups

    regelmotor = api.portal.get()["regelmotor"]
    units = list(getattr(regelmotor, "units", None) or [])
    if unit not in {row["key"] for row in units}:
        units.append({"key": unit, "title": unit, "active": True})
    regelmotor.units = [{**row, "leader": leader} if row["key"] == unit else row for row in units]
    regelmotor.teams = [
        {**row, "unit": unit} if row["key"] in teams else row for row in regelmotor.teams
    ]
    sync_team_groups(regelmotor)
    return unit


def unit_of(team):
    """The key of the afsnit a team belongs to on the site."""
    regelmotor = api.portal.get()["regelmotor"]
    return next(row.get("unit") for row in regelmotor.teams if row["key"] == team)


def section_leader(http, username, team="familie_oest"):
    """A session of a section leader (BOS Afsnitsleder) who leads the afsnit of ``team``."""
    import transaction

    session = http(username, roles=["BOSSectionLeader"])
    lead_unit(username, unit_of(team))
    transaction.commit()
    return session


def committee_secretary(http, username):
    """A session of a committee secretary: a member of the group BOS Udvalgssekretærer, which
    carries the role and reads the cases before the committee."""
    import transaction

    session = http(username)
    api.group.add_user(groupname="bos_committee_secretaries", username=username)
    transaction.commit()
    return session


# -- the seed and OS2BOS data (plain pytest) ----------------------------------------------------

_SEED_CACHE: dict = {}


def load_seed() -> dict[str, list[dict]]:
    """The seed rows of every kind (a fresh deep copy on each call)."""
    if not _SEED_CACHE:
        for kind in KIND_NAMES:
            _SEED_CACHE[kind] = json.loads((SEED / f"{kind}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(_SEED_CACHE)


def require_os2bos_data() -> Path:
    """The real OS2BOS data directory; skip without it, but fail on CI."""
    if not OS2BOS_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/os2bos-data mangler")
        pytest.skip("../shared/os2bos-data mangler")
    return OS2BOS_DATA


#: Danmarks Statistik's XML schemas beside the repository (never copied into it); BOS_DST_XSD
#: names another place (a git worktree elsewhere).
DST_XSD = Path(os.environ.get("BOS_DST_XSD") or REPO.parent / "shared" / "dst-xsd")


def require_dst_xsd() -> Path:
    """The DST schema directory; skip without it, but fail on CI."""
    if not DST_XSD.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/dst-xsd mangler")
        pytest.skip("../shared/dst-xsd mangler")
    return DST_XSD


def dst_schema(name, folder="dst_handicap"):
    """An lxml XMLSchema of one DST schema file; remote schemaLocations (digitaliser.dk) are
    read from the local copies by their file name, never from the network."""
    from lxml import etree

    root = require_dst_xsd()
    local = {path.name: path for path in sorted(root.glob("*/*.xsd"), reverse=True)}
    # dst_handicap holds the complete set; its copies win over the other folder's.
    local.update({path.name: path for path in (root / "dst_handicap").glob("*.xsd")})

    class LocalCopies(etree.Resolver):
        def resolve(self, url, public_id, context):
            found = local.get(url.rsplit("/", 1)[-1])
            if found is None:
                return None
            return self.resolve_filename(str(found), context)

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalCopies())
    document = etree.parse(str(root / folder / name), parser)
    return etree.XMLSchema(document)


# -- mails ---------------------------------------------------------------------------------------
def parsed(message):
    """(To, Subject, body text) of a message the MockMailHost kept."""
    import email
    from email.header import decode_header
    from email.header import make_header

    if isinstance(message, bytes):
        parsed_message = email.message_from_bytes(message)
    else:
        parsed_message = email.message_from_string(message)
    subject = str(make_header(decode_header(parsed_message["Subject"])))
    payload = parsed_message.get_payload(decode=True)
    charset = parsed_message.get_content_charset() or "utf-8"
    return parsed_message["To"], subject, payload.decode(charset)


# -- reading a PDF ------------------------------------------------------------------------------


def pdf_text(data):
    """The text a PDF shows, page by page, as a reader copies it out (pypdf)."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def text_of(html):
    """The visible text, whitespace collapsed (enough to check the words shown)."""
    text = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


def submitted_fields(html, prefix="form."):
    """What a browser submits from the form fields named ``prefix...`` in ``html``, in the shape
    request.form has after ZPublisher (``:list`` names as lists, unchecked boxes absent; a data
    grid's hidden template row ``.TT.`` is submitted too, as the browser does)."""
    from html.parser import HTMLParser

    fields = {}

    def put(name, value):
        if name.endswith(":list"):
            fields.setdefault(name[: -len(":list")], []).append(value)
        else:
            fields[name] = value

    class Parser(HTMLParser):
        select = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name") or ""
            if tag == "select" and name.startswith(prefix):
                self.select = name
                if name.endswith(":list"):
                    fields.setdefault(name[: -len(":list")], [])
            elif tag == "option" and self.select and "selected" in attrs:
                put(self.select, attrs.get("value", ""))
            elif tag in ("input", "textarea") and name.startswith(prefix):
                kind = attrs.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                if kind not in ("submit", "button"):
                    put(name, attrs.get("value", ""))

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    Parser().feed(html)
    return fields
