"""Danmarks Statistik's deliveries (spec 3.6): which grants are reported, as what, and how
grants of one SBSYS case file become one element. Plain Python; the XML is built in dst/.

* Dates of a grant: the granted period of its main activity; a one-time main activity without
  a start or an end uses its payment date for both.
* Initial load: every grant with a granted main activity appropriated in the period, as "Ny".
* Delta: those grants and the grants of cases whose acting municipality changed in the period.
  The case changed -> "Ændring"; some main activities appropriated in the period and some
  before -> "Ændring"; all in the period -> "Ny"; otherwise not reported.
* Consolidation: grants whose SBSYS id shares the case file prefix NN.NN.NN-XNN-n-n (e.g.
  27.24.36-G01-7-20-Far and -Mor) are one element: id the prefix, start the earliest, end the
  latest (none if one is open), the code of the earliest-starting grant, "Ændring" if any is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date

NEW = "Ny"
CHANGE = "Ændring"

PREVENTIVE = "preventive"
HANDICAP = "handicap"
KINDS = (PREVENTIVE, HANDICAP)

#: The case file prefix of an SBSYS case number (NN.NN.NN-XNN-n-n).
_PREFIX_RE = re.compile(r"^([0-9]{2}\.[0-9]{2}\.[0-9]{2}-[A-Za-zÆØÅæøå][0-9]{2}-[0-9]+-[0-9]+)")

EARLIEST = date(1970, 1, 1)


@dataclass(frozen=True)
class DstGrant:
    """One appropriation as the delivery sees it."""

    sbsys_id: str
    code: str
    start: date | None
    end: date | None
    #: The appropriation dates of its granted main activities (the original and adjustments).
    appropriated: tuple[date, ...]
    child_cpr: str
    parent_cpr: str = ""
    case_worker: str = ""
    #: The case's acting municipality changed in the period (delta loads).
    case_changed: bool = False
    case_uid: str = ""


@dataclass(frozen=True)
class DstRecord:
    """One element of the delivery."""

    id: str
    report_type: str
    code: str
    start: date
    end: date | None
    child_cpr: str
    parent_cpr: str = ""
    case_worker: str = ""
    sbsys_ids: tuple[str, ...] = field(default_factory=tuple)
    case_uids: tuple[str, ...] = field(default_factory=tuple)


def main_period(start, end, one_time=False, payment_date=None):
    """(start, end) of a grant: a one-time main activity without a start or an end is
    reported on its payment date."""
    if one_time and payment_date is not None and (start is None or end is None):
        return payment_date, payment_date
    return start, end


def sbsys_prefix(sbsys_id: str) -> str:
    """The case file prefix ("27.24.36-G01-7-20-Far" -> "27.24.36-G01-7-20"); an id of
    another form is its own prefix."""
    text = (sbsys_id or "").strip()
    match = _PREFIX_RE.match(text)
    return match.group(1) if match else text


def report_type(grant: DstGrant, from_date: date, to_date: date, initial_load: bool):
    """ "Ny", "Ændring" or None (not reported) for one grant."""
    dates = [day for day in grant.appropriated if day is not None and day <= to_date]
    in_period = [day for day in dates if day >= from_date]
    if initial_load:
        return NEW if in_period else None
    if not dates:
        return None
    if grant.case_changed:
        return CHANGE
    if in_period and len(in_period) < len(dates):
        return CHANGE
    if in_period:
        return NEW
    return None


def consolidate(records: list[DstRecord]) -> list[DstRecord]:
    """One element per child and case file prefix, in the order their first grant came."""
    groups: dict[tuple[str, str], list[DstRecord]] = {}
    for record in records:
        groups.setdefault((record.child_cpr, sbsys_prefix(record.id)), []).append(record)
    result = []
    for (_cpr, prefix), members in groups.items():
        first = min(members, key=lambda record: (record.start, record.id))
        ends = [record.end for record in members]
        result.append(
            replace(
                first,
                id=prefix,
                report_type=CHANGE if any(r.report_type == CHANGE for r in members) else NEW,
                start=min(record.start for record in members),
                end=None if any(end is None for end in ends) else max(ends),
                sbsys_ids=tuple(sid for record in members for sid in record.sbsys_ids),
                case_uids=tuple(dict.fromkeys(u for record in members for u in record.case_uids)),
            )
        )
    return result


@dataclass(frozen=True)
class Selection:
    records: list[DstRecord]
    #: SBSYS ids left out and why (Danish), for the answer and the screen.
    skipped: list[tuple[str, str]]


SKIP_NO_PARENT = "ingen mor eller far på sagen"
SKIP_NO_CODE = "paragraffen har ingen gyldig DST-kode"
SKIP_NO_START = "ingen startdato"


def select(
    grants,
    kind: str,
    from_date: date | None = None,
    to_date: date | None = None,
    initial_load: bool = False,
    today: date | None = None,
) -> Selection:
    """The delivery's elements from the candidate grants (already limited to the kind's
    sections). L201 leaves out grants without a parent (mor/far); L231 needs a 3-digit code."""
    from_date = from_date or EARLIEST
    to_date = to_date or today or date.max
    records, skipped = [], []
    for grant in grants:
        kind_of_report = report_type(grant, from_date, to_date, initial_load)
        if kind_of_report is None:
            continue
        if kind == PREVENTIVE and not grant.parent_cpr:
            skipped.append((grant.sbsys_id, SKIP_NO_PARENT))
            continue
        if not grant.code or (kind == HANDICAP and not re.fullmatch(r"[0-9]{3}", grant.code)):
            skipped.append((grant.sbsys_id, SKIP_NO_CODE))
            continue
        if grant.start is None:
            skipped.append((grant.sbsys_id, SKIP_NO_START))
            continue
        records.append(
            DstRecord(
                id=grant.sbsys_id,
                report_type=kind_of_report,
                code=grant.code,
                start=grant.start,
                end=grant.end,
                child_cpr=grant.child_cpr,
                parent_cpr=grant.parent_cpr,
                case_worker=grant.case_worker,
                sbsys_ids=(grant.sbsys_id,),
                case_uids=(grant.case_uid,) if grant.case_uid else (),
            )
        )
    return Selection(consolidate(records), skipped)


def period_of(day: date) -> tuple[int, int]:
    """(year, month) of the delivery's period: the month before ``day``."""
    if day.month == 1:
        return day.year - 1, 12
    return day.year, day.month - 1


FORMS = {(PREVENTIVE, True): "T201", (PREVENTIVE, False): "L201"}
FORMS.update({(HANDICAP, True): "T231", (HANDICAP, False): "L231"})


def form_id(kind: str, test: bool) -> str:
    return FORMS[(kind, bool(test))]


def file_name(kind: str, test: bool, municipality: str, now) -> str:
    """{T|P}_{municipality}_{form}_P{YYYY}M{MM}_V01_D{YYYYMMDDTHHMMSS}.xml"""
    year, month = period_of(now.date() if hasattr(now, "date") else now)
    return (
        f"{'T' if test else 'P'}_{municipality}_{form_id(kind, test)}_P{year}M{month:02d}_V01_"
        f"D{now:%Y%m%dT%H%M%S}.xml"
    )
