"""zconsole script of ``make load``: the municipality the load run works on, and its targets.

  zconsole run <instance>/etc/zope.conf benchmarks/load_setup.py

Run as one more ZEO client after ``scripts/create_site.py`` made the site with the demo data
(its users: team leader, section leader, management; its teams and afsnit leaders). It adds
``LOAD_CASES`` (200) cases of the bench's synthetic municipality (benchmarks/municipality.py,
its eight case workers ``bench-sagsbehandler-N``), so the case list, the cases and the overview
have a realistic size, and ``LOAD_GRANTS`` (60) fresh draft grants in the teams the demo team
leader works in, for the approvers to decide during the run (each once: no two users decide
the same grant). It writes what each simulated user works on to ``LOAD_TARGETS`` (JSON):
physical paths, the draft activities a case worker edits and prices, the approvers' grants.
"""

import json
import logging
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite

from benchmarks import municipality
from os2bos_plone.engine import clock

#: The REST fields of an activity that a preview of an edit sends (as docs/api.md names them).
PREVIEW_FIELDS = (
    "service",
    "activity_type",
    "start_date",
    "end_date",
    "payment_type",
    "payment_frequency",
    "payment_day_of_month",
    "payment_date",
    "payment_cost_type",
    "payment_amount",
    "service_provider",
    "recipient_type",
    "recipient_id",
    "recipient_name",
    "payment_method",
)
DEMO_PASSWORD = "bosdemo2026"
BENCH_PASSWORD = "bench-secret-2026"
APPROVER = "teamleder"  # the demo's team leader: member of familie_oest and familie_vest
READER_APPROVER = "afsnitsleder"  # the demo's section leader: reads every demo team's cases
MANAGEMENT = "ledelse"
POOL_TEAMS = ("familie_oest", "familie_vest")


def path_of(obj):
    return "/".join(obj.getPhysicalPath())


def json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def preview_body(activity):
    """The activity's own fields as a preview of an edit sends them."""
    body = {}
    for name in PREVIEW_FIELDS:
        value = getattr(activity, name, None)
        if value is not None:
            body[name] = json_value(value)
    return body


def pool_grant(case, lookup, today, number):
    """A small draft grant (family treatment with transport) a team leader may decide."""
    from plone.dexterity.utils import createContentInContainer

    grant = municipality.decision_grant(today)
    grant.activities[0].amount = Decimal("4200")
    grant.activities[1].amount = Decimal("150")
    appropriation = createContentInContainer(
        case,
        "bos_appropriation",
        sbsys_id=f"{grant.kle}-L{number:03d}-{case.getId()}-25",
        section=lookup.uid("bos_section", grant.section),
    )
    activities = [
        createContentInContainer(
            appropriation, "bos_activity", **municipality.activity_fields(spec, lookup, number)
        )
        for spec in grant.activities
    ]
    return appropriation, activities


def build_pool(portal, cases, count, today):
    """``count`` draft grants in the team leader's teams that the team leader may decide."""
    from os2bos_plone.decisions.competence import required_level
    from os2bos_plone.decisions.competence import user_levels

    leader = portal.acl_users.getUserById(APPROVER)
    lookup = municipality.Lookup()
    pool_cases = [case for case in cases if case.team in POOL_TEAMS]
    pool = []
    for number in range(count):
        case = pool_cases[number % len(pool_cases)]
        appropriation, activities = pool_grant(case, lookup, today, number)
        level = required_level(activities, when=today)
        held = {held.key for held in user_levels(leader.__of__(portal.acl_users), appropriation)}
        if level.key not in held:
            raise RuntimeError(f"{APPROVER} may not decide level {level.key}: held {held}")
        pool.append(
            {
                "appropriation": path_of(appropriation),
                "activities": [activity.UID() for activity in activities],
                "level": level.key,
            }
        )
    transaction.commit()
    return pool


def readable(user, objs):
    from plone import api

    with api.env.adopt_user(user=user):
        return [obj for obj in objs if api.user.has_permission("View", obj=obj)]


def targets(portal, today, pool):
    """Per simulated user: who logs in and what they open, price and save."""
    from plone import api

    from os2bos_plone.adapters.lookup import activities_of

    cases = [brain.getObject() for brain in api.content.find(portal_type="bos_case")]
    workers = {}
    for username in municipality.WORKERS:
        own = [case for case in cases if case.case_worker == username]
        appropriations = [grant for case in own for grant in case.objectValues()]
        drafts = [
            activity
            for grant in appropriations
            for activity in activities_of(grant)
            if api.content.get_state(activity) == "draft"
            # cash payments must start two banking days ahead: an old draft could not be saved
            and activity.payment_method != "cash"
            and path_of(grant) not in {item["appropriation"] for item in pool}
        ]
        if not (own and drafts):
            continue  # a small municipality: this worker has nothing to edit
        workers[username] = {
            "password": BENCH_PASSWORD,
            "cases": [path_of(case) for case in own],
            "appropriations": [path_of(grant) for grant in appropriations],
            "drafts": [
                {
                    "activity": path_of(activity),
                    "appropriation": path_of(activity.__parent__),
                    "preview": preview_body(activity),
                }
                for activity in drafts
            ],
        }
    if not workers:
        raise RuntimeError("no case worker has a draft activity to edit")
    expected = {
        path_of(brain.getObject().__parent__): brain.getObject().__parent__
        for brain in api.content.find(portal_type="bos_activity", review_state="expected")
    }
    approvers = {}
    for username in (APPROVER, READER_APPROVER):
        user = api.user.get(username=username)
        decided = readable(user, list(expected.values()))
        approvers[username] = {
            "password": DEMO_PASSWORD,
            "appropriations": [path_of(grant) for grant in decided][:300],
            "grants": pool if username == APPROVER else [],
        }
        if not decided:
            raise RuntimeError(f"{username} reads no appropriation awaiting a decision")
    return {
        "site": path_of(portal),
        "year": today.year,
        "case_workers": workers,
        "approvers": approvers,
        "management": {MANAGEMENT: {"password": DEMO_PASSWORD}},
        "counts": {
            "cases": len(cases),
            "appropriations": len(
                api.content.find(portal_type="bos_appropriation", unrestricted=True)
            ),
            "activities": len(api.content.find(portal_type="bos_activity", unrestricted=True)),
        },
    }


def main(app):
    app = makerequest(app)
    admin = app.acl_users.getUserById(os.environ.get("ADMIN_USER", "admin"))
    newSecurityManager(None, admin.__of__(app.acl_users))
    portal = app[os.environ.get("SITE_ID", "Plone")]
    setSite(portal)
    # No mail server here: the decisions' "not sent" warnings would drown the progress lines.
    logging.getLogger("os2bos_plone").setLevel(logging.ERROR)
    today = clock.today()
    cases = municipality.workload(int(os.environ.get("LOAD_CASES", "200")), today)
    print(f"Bygger {municipality.shape(cases)} ...", flush=True)
    municipality.build(portal, cases, today=today, commit_every=20)
    built = {
        case.sbsys_id: case
        for case in portal["sager"].objectValues()
        if getattr(case, "sbsys_id", "").startswith("27.24.00-G01-")
    }
    pool_cases = [built[spec.sbsys_id] for spec in cases if spec.number > 3]
    pool = build_pool(portal, pool_cases, int(os.environ.get("LOAD_GRANTS", "60")), today)
    result = targets(portal, today, pool)
    Path(os.environ["LOAD_TARGETS"]).write_text(json.dumps(result, indent=1))
    print(f"Mål skrevet: {result['counts']}, {len(pool)} kladdebevillinger til godkendelse")


if "app" in globals():  # zconsole run injects the application root
    main(globals()["app"])
