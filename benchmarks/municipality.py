"""The synthetic municipality of ../shared/docs/benchmark-workload.md, built through the real
add path.

:func:`workload` draws the shape (seeded, so every run builds the same municipality):

* cases: ``BENCH_CASES`` (2,000), plus three for the measurements: one with 10 grants, one with
  the two-year daily draft activity the save measurement edits, and an empty one where the
  measurement adds the draft grants it decides;
* 1-4 grants per case (uniform); one main activity per grant and 0-3 supplementary ones
  (weights 50/35/10/5), services allowed by the seed's regelmotor for the section;
* 16 % of the grants are drafts as a whole, the rest granted; about one in five granted running
  activities gets an expected adjustment starting in the future, amount x0.8-1.3;
* plans: monthly 55 %, weekly 21 %, biweekly 9.5 %, daily 10 %, one-time 5 % (supplementary
  only); fixed amounts 100-30,000 kr; 80 % company/invoice with a provider, 20 % person/cash;
* start uniform over the last 730 days; 70 % end within the next 730 days, 30 % open-ended.

:func:`build` creates it with ``createContentInContainer`` and the ``grant``/``submit`` workflow
transitions (with the approval data a decision records), so the subscribers plan every payment
(``activities.refresh_payments``) and store the yearly totals (``activities.refresh_totals``)
exactly as for a case worker's input. Decisions are applied as ``decisions.grant`` applies each
activity of a batch, without the decision's journal entry, appropriation letter and mails; one
real decision (``decisions.grant``) is timed separately. It commits every ``commit_every`` cases.
"""

import json
import random
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import transaction

from os2bos_plone.classification.reader import find_classification
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.decisions.competence import required_level_and_cost
from os2bos_plone.decisions.transitions import take_transition

SEED_DIR = Path(__file__).resolve().parent.parent / "src" / "os2bos_plone" / "data" / "seed"

RUNNING_WEIGHTS = {"monthly": 55, "weekly": 21, "biweekly": 9.5, "daily": 10}
SUPPLEMENTARY_COUNTS = (0, 1, 2, 3)
SUPPLEMENTARY_WEIGHTS = (50, 35, 10, 5)
#: One-time plans are 5 % of all activities and only supplementary (0.7 per grant of 1.7).
ONE_TIME_SHARE_OF_SUPPLEMENTARY = 0.05 * 1.7 / 0.7
DRAFT_GRANT_SHARE = 0.16
ADJUSTMENT_SHARE = 0.2
COMPANY_SHARE = 0.8
OPEN_ENDED_SHARE = 0.3
TARGET_GROUPS = {"familie": 70, "handicap": 20, "unge": 10}
TEAMS = {
    "familie": ("familie_oest", "familie_vest", "forebyggelse", "anbringelse"),
    "handicap": ("handicap",),
    "unge": ("unge",),
}
DISTRICTS = ("nord", "syd", "oest", "vest", "midtby")
WORKERS = tuple(f"bench-sagsbehandler-{n}" for n in range(1, 9))
TEN_GRANTS_CASE = 1
SAVE_CASE = 2
GRANT_CASE = 3
DAILY_SAVE_DAYS = 730


@dataclass
class ActivitySpec:
    service: str
    kind: str
    frequency: str | None  # None: one-time
    start: date
    end: date | None
    amount: Decimal
    provider: str | None
    day_of_month: int = 1
    adjust: tuple | None = None  # (start, amount) of an expected adjustment


@dataclass
class GrantSpec:
    section: str
    kle: str
    draft: bool
    activities: list = field(default_factory=list)


@dataclass
class CaseSpec:
    number: int
    target_group: str
    team: str
    step: int
    scaling: int
    district: str
    worker: str
    grants: list = field(default_factory=list)

    @property
    def sbsys_id(self):
        return f"27.24.00-G01-{self.number}-25"


class Catalogue:
    """What the seed's regelmotor allows: (section, main service) pairs and their followers."""

    def __init__(self):
        rows = {path.stem: json.loads(path.read_text()) for path in SEED_DIR.glob("*.json")}
        self.section_groups = {row["key"]: row["target_groups"] for row in rows["sections"]}
        services = rows["services"]
        self.preferred = {s["service_id"]: s["preferred_providers"] for s in services}
        self.providers = [row["cvr"] for row in rows["service_providers"] if row["active"]]
        self.kle = {}
        self.pairs = []
        for service in services:
            for row in service["sections"]:
                self.kle[(row["section"], service["service_id"])] = row["kle_number"]
                if row["main"]:
                    self.pairs.append((row["section"], service["service_id"]))
        self.followers = {}
        for section, main in self.pairs:
            self.followers[(section, main)] = [
                service["service_id"]
                for service in services
                if main in service["follows_main_services"]
                and any(r["section"] == section and r["supplementary"] for r in service["sections"])
            ]

    def pairs_for(self, target_group, with_followers):
        return [
            pair
            for pair in self.pairs
            if target_group in self.section_groups[pair[0]]
            and (self.followers[pair] or not with_followers)
        ]

    def provider_for(self, rng, service):
        return rng.choice(self.preferred.get(service) or self.providers)


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _activity(rng, catalogue, service, kind, today, main=None):
    if kind == "supplementary" and rng.random() < ONE_TIME_SHARE_OF_SUPPLEMENTARY:
        frequency = None
    else:
        frequency = _weighted(rng, RUNNING_WEIGHTS)
    if main is None:
        start = today - timedelta(days=rng.randint(0, 730))
        end = None
        if rng.random() >= OPEN_ENDED_SHARE:
            end = today + timedelta(days=rng.randint(1, 730))
    else:
        # Within the main activity's period (the engine's rule for supplementary activities).
        latest = min(main.end or today, today)
        start = main.start + timedelta(days=rng.randint(0, max(0, (latest - main.start).days)))
        end = main.end
    provider = catalogue.provider_for(rng, service) if rng.random() < COMPANY_SHARE else None
    return ActivitySpec(
        service=service,
        kind=kind,
        frequency=frequency,
        start=start,
        end=end,
        amount=Decimal(rng.randint(100, 30000)),
        provider=provider,
        day_of_month=rng.randint(1, 28),
    )


def _grant(rng, catalogue, target_group, today, draft):
    supplementary = rng.choices(SUPPLEMENTARY_COUNTS, weights=SUPPLEMENTARY_WEIGHTS)[0]
    section, main_service = rng.choice(catalogue.pairs_for(target_group, supplementary > 0))
    grant = GrantSpec(section, catalogue.kle[(section, main_service)], draft)
    main = _activity(rng, catalogue, main_service, "main", today)
    grant.activities.append(main)
    for _ in range(supplementary):
        service = rng.choice(catalogue.followers[(section, main_service)])
        grant.activities.append(_activity(rng, catalogue, service, "supplementary", today, main))
    if not draft:
        for activity in grant.activities:
            if activity.frequency is None or rng.random() >= ADJUSTMENT_SHARE:
                continue
            # A week ahead at least: the cash rule wants two banking days before the start.
            start = today + timedelta(days=rng.randint(7, 120))
            if activity.end is not None and start > activity.end:
                continue
            factor = Decimal(rng.randint(80, 130)) / 100
            activity.adjust = (start, (activity.amount * factor).quantize(Decimal("1")))
    return grant


def decision_grant(today):
    """A draft grant to decide in the measurement: family treatment with transport."""
    grant = GrantSpec("BL-32-1.5", "27.27.09", True)
    end = today + timedelta(days=364)
    grant.activities.append(
        ActivitySpec("100206", "main", "monthly", today, end, Decimal("18500"), "94789311")
    )
    grant.activities.append(
        ActivitySpec("100905", "supplementary", "weekly", today, end, Decimal("640"), "99301325")
    )
    return grant


def workload(n_cases, today, seed=2026):
    """The cases to build: ``n_cases`` drawn ones plus the three measurement cases."""
    rng = random.Random(seed)
    catalogue = Catalogue()
    cases = []
    for number in range(1, n_cases + 4):
        target_group = _weighted(rng, TARGET_GROUPS)
        case = CaseSpec(
            number=number,
            target_group=target_group,
            team=rng.choice(TEAMS[target_group]),
            step=rng.randint(1, 6),
            scaling=rng.randint(1, 10),
            district=rng.choice(DISTRICTS),
            worker=rng.choice(WORKERS),
        )
        if number == TEN_GRANTS_CASE:
            case.grants = [_grant(rng, catalogue, target_group, today, False) for _ in range(10)]
        elif number == SAVE_CASE:
            grant = GrantSpec("BL-46", "27.27.42", True)
            grant.activities.append(
                ActivitySpec(
                    service="100406",
                    kind="main",
                    frequency="daily",
                    start=today - timedelta(days=DAILY_SAVE_DAYS // 2),
                    end=today + timedelta(days=DAILY_SAVE_DAYS // 2 - 1),
                    amount=Decimal("2350"),
                    provider="93766989",
                )
            )
            case.grants = [grant]
        elif number == GRANT_CASE:
            case.grants = []  # the measurement adds the draft grants it decides
        else:
            case.grants = [
                _grant(rng, catalogue, target_group, today, rng.random() < DRAFT_GRANT_SHARE)
                for _ in range(rng.randint(1, 4))
            ]
        cases.append(case)
    return cases


def shape(cases):
    """Counts of the drawn workload (before building)."""
    grants = [grant for case in cases for grant in case.grants]
    activities = [a for grant in grants for a in grant.activities]
    adjustments = sum(1 for a in activities if a.adjust)
    return {
        "cases": len(cases),
        "appropriations": len(grants),
        "activities": len(activities) + adjustments,
        "adjustments": adjustments,
        "draft_grants": sum(1 for grant in grants if grant.draft),
    }


# -- building ----------------------------------------------------------------------------------


class Lookup:
    """UIDs of the classification by key, read from the catalog once before the build."""

    def __init__(self):

        self._uids = {}
        for portal_type in ("bos_section", "bos_service", "bos_service_provider"):
            for brain in find_classification(portal_type):
                self._uids[(portal_type, brain.bos_key)] = brain.UID

    def uid(self, portal_type, key):
        return self._uids[(portal_type, key)]


def ensure_workers():
    from plone import api

    from os2bos_plone.security.users import create_user

    for username in WORKERS:
        if api.user.get(username=username) is None:
            create_user(username, "bench-secret-2026", fullname=username)
            api.group.add_user(groupname="bos_case_workers", username=username)


def _person_cpr(number):
    return f"{1 + number % 28:02d}{1 + number % 12:02d}{number % 90 + 10:02d}-{number % 10000:04d}"


def activity_fields(spec, lookup, number):
    fields = {
        "service": lookup.uid("bos_service", spec.service),
        "activity_type": spec.kind,
        "payment_cost_type": "fixed",
        "payment_amount": spec.amount,
    }
    if spec.provider:
        fields.update(
            service_provider=lookup.uid("bos_service_provider", spec.provider),
            recipient_type="company",
            recipient_id=spec.provider,
            recipient_name=f"Leverandør {spec.provider}",
            payment_method="invoice",
        )
    else:
        fields.update(
            recipient_type="person",
            recipient_id=_person_cpr(number),
            recipient_name=f"Modtager {number}",
            payment_method="cash",
        )
    if spec.frequency is None:
        fields.update(payment_type="one_time", payment_date=spec.start)
    else:
        fields.update(
            payment_type="running",
            payment_frequency=spec.frequency,
            start_date=spec.start,
            end_date=spec.end,
        )
        if spec.frequency == "monthly":
            fields["payment_day_of_month"] = spec.day_of_month
    return fields


def grant_all(appropriation, objs, user, today):
    """Grant the activities the way ``decisions.grant`` applies a decision: the approval data (the
    level the rules require, with a committee's meeting date and reference), then the ``grant``
    transition of each activity. The journal entry, letter and mail of the decision are left
    out of the build (a real decision is timed on its own: benchmarks/measure.py)."""

    level = required_level(objs, when=today)
    for obj in objs:
        obj.approval_level = level.key
        obj.approval_note = ""
        obj.approval_user = user.getId()
        obj.appropriation_date = today
        obj.required_approval_level = level.key
        obj.meeting_date = today if level.committee else None
        obj.decision_reference = "Benchmark, pkt. 1" if level.committee else ""
        obj.decision_text = ""

    for obj in objs:
        # as an operation takes it: the dispatcher leaves the decision's records to the caller
        take_transition(obj, "grant")


def add_adjustment(appropriation, activity, spec, lookup, number, today):
    """An expected adjustment as ``decisions.adjustment.create_adjustment`` makes it: a copy of
    the plan with a new start and amount, ``modifies`` the original, submitted at the level it
    needs."""
    from plone.dexterity.utils import createContentInContainer

    start, amount = spec.adjust
    fields = activity_fields(spec, lookup, number)
    fields.update(start_date=start, payment_amount=amount, modifies=activity.UID())
    adjustment = createContentInContainer(appropriation, "bos_activity", **fields)
    level, cost = required_level_and_cost([adjustment], when=today)
    adjustment.required_approval_level = level.key
    adjustment.bos_submitted_annual_cost = cost  # as decisions.submit keeps it
    take_transition(adjustment, "submit")
    return adjustment


def build_case(container, case, lookup, user, today):
    from plone.dexterity.utils import createContentInContainer

    obj = createContentInContainer(
        container,
        "bos_case",
        sbsys_id=case.sbsys_id,
        cpr_number=_person_cpr(case.number),
        title=f"Barn {case.number}",
        case_worker=case.worker,
        team=case.team,
        target_group=case.target_group,
        district=case.district,
        paying_municipality="151",
        acting_municipality="151",
        residence_municipality="151",
        effort_step=case.step,
        scaling_step=case.scaling,
    )
    for index, grant in enumerate(case.grants, start=1):
        appropriation = createContentInContainer(
            obj,
            "bos_appropriation",
            sbsys_id=f"{grant.kle}-G{index:02d}-{case.number}-25",
            section=lookup.uid("bos_section", grant.section),
        )
        made = []
        for spec in grant.activities:
            fields = activity_fields(spec, lookup, case.number)
            made.append((createContentInContainer(appropriation, "bos_activity", **fields), spec))
        if grant.draft:
            continue
        grant_all(appropriation, [activity for activity, _spec in made], user, today)
        for activity, spec in made:
            if spec.adjust is not None:
                add_adjustment(appropriation, activity, spec, lookup, case.number, today)
    return obj


def build(portal, cases, today=None, commit_every=20, progress=print):
    """Create the cases in /sager; returns the seconds it took."""
    from AccessControl.SecurityManagement import getSecurityManager

    today = today or date.today()
    ensure_workers()
    transaction.commit()
    container = portal["sager"]
    user = getSecurityManager().getUser()
    lookup = Lookup()
    started = time.perf_counter()
    for done, case in enumerate(cases, start=1):
        build_case(container, case, lookup, user, today)
        if done % commit_every == 0 or done == len(cases):
            transaction.commit()
            elapsed = time.perf_counter() - started
            rate = done / elapsed
            progress(
                f"  [{done}/{len(cases)}] sager bygget på {elapsed:.0f} s "
                f"({rate:.1f} sager/s, ca. {(len(cases) - done) / rate:.0f} s tilbage)"
            )
    return time.perf_counter() - started
