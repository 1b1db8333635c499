"""Import of an OS2BOS installation's classification from its Django fixture files.

OS2BOS keeps its classification in a Django database; ``manage.py dumpdata`` writes it as JSON
files holding ``[{"model": "core.section", "pk": 1, "fields": {...}}, ...]``, where primary
keys cross-reference between the files. :func:`read_os2bos_fixtures` reads such a directory and
returns interchange rows (the seed format), ready for
:func:`~os2bos_plone.interchange.validation.validate_rows` and
:func:`~os2bos_plone.interchange.diff.diff_rows`.

Files and what they become:

==========================  ========================================================
``sections.json``           ``sections``: key = ``paragraph``, title = ``text``,
                            law_name = ``law_text_name``, target groups by key, effort
                            steps as numbers, DST fields, ``active``
``activitydetails.json``    ``services``: service_id = ``activity_id``; section rows from
``sectioninfos.json``       the SectionInfo rows (main entries) and from
                            ``supplementary_activity_for`` (supplementary entries, merged
                            into the main entry of the same section);
                            ``follows_main_services`` from ``main_activities``
``activity_categories.json``  ``activity_categories``
``approvallevels.json``     ``approval_levels``: key = slug of the name, rank and role from
                            the known OS2BOS names (:data:`KNOWN_LEVELS`)
``targetgroups.json``       ``target_groups``: key = slug of the name
``rates.json`` +            ``rates``: key = slug of the name (made unique), periods from
``ratesperdate.json``       RatePerDate (``main_rate`` is the rate's pk; ``variablerates``
(+ ``variablerates.json``)  tells a rate's periods from those of per-activity prices)
``serviceproviders.json``   ``service_providers``
``accountaliasmappings.json``  ``account_aliases``: alias, main_account_number and
                            category_id = ``activity_number``
==========================  ========================================================

``paymentmethoddetails.json`` has no counterpart in the classification and is not read. A
missing file is skipped with a warning, and its kind is
then not part of the import.

Assumptions, each checked where possible and warned about when the data disagrees:

* OS2BOS creates its six effort steps (indsatstrappe) in a data migration with pks 1..6 and
  numbers 1..6, and the fixtures contain no effort-step file, so a section's
  ``allowed_for_steps`` pks are taken as the step numbers.
* A service's own activity category is the most common category among its SectionInfo rows
  (the first one wins a tie). A section row keeps its category only when it differs; "" means
  "the service's own".

Rows that fail today's validation but are real data (a CVR number with a wrong check digit, a
non-numeric activity id) are imported as they are, with an :class:`Os2bosWarning` whose
``invalid`` flag is set; :func:`flagged_keys` collects their keys, so the caller can leave them
out of ``validate_rows(..., only=...)``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from os2bos_plone.engine.identifiers import InvalidIdentifier
from os2bos_plone.engine.identifiers import validate_cvr
from os2bos_plone.engine.identifiers import validate_service_id
from os2bos_plone.interchange.kinds import KIND_NAMES
from os2bos_plone.interchange.kinds import normalise
from os2bos_plone.interchange.values import parse_decimal
from os2bos_plone.interchange.values import slugify
from os2bos_plone.interchange.values import text_of

__all__ = [
    "KNOWN_LEVELS",
    "Os2bosImportError",
    "Os2bosWarning",
    "flagged_keys",
    "read_os2bos_fixtures",
]

#: The approval levels of an OS2BOS installation: name -> (rank, Plone role). Other names
#: are ranked above these in pk order; see :func:`_level_role` for their role.
KNOWN_LEVELS: dict[str, tuple[int, str]] = {
    "egenkompetence": (10, "BOSCaseWorker"),
    "teammøde": (20, "BOSTeamLeader"),
    "fagspecialist": (30, "BOSTeamLeader"),
    "teamleder": (40, "BOSTeamLeader"),
    "afsnitsleder": (50, "BOSSectionLeader"),
    "ungdomskriminalitetsnævnet": (60, "BOSCommitteeSecretary"),
}
_COMMITTEE_WORDS = ("nævn", "udvalg")
_UNKNOWN_LEVEL_ROLE = "BOSSectionLeader"
_EFFORT_STEP_NUMBERS = range(1, 7)

# file name -> Django model label
_FILES = {
    "targetgroups.json": "core.targetgroup",
    "activity_categories.json": "core.activitycategory",
    "approvallevels.json": "core.approvallevel",
    "sections.json": "core.section",
    "serviceproviders.json": "core.serviceprovider",
    "activitydetails.json": "core.activitydetails",
    "sectioninfos.json": "core.sectioninfo",
    "variablerates.json": "core.variablerate",
    "rates.json": "core.rate",
    "ratesperdate.json": "core.rateperdate",
    "accountaliasmappings.json": "core.accountaliasmapping",
}
_NOT_READ = ("paymentmethoddetails.json",)


class Os2bosImportError(ValueError):
    """A fixture file exists but cannot be read; ``message`` is Danish."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Os2bosWarning:
    """Something the import did that the user should know about (Danish ``message``).

    ``kind`` and ``key`` name the row concerned (when there is one). ``invalid`` is True when
    the row was imported although it does not pass
    :func:`~os2bos_plone.interchange.validation.validate_rows`.
    """

    message: str
    kind: str | None = None
    key: Any = None
    invalid: bool = False

    def __str__(self) -> str:
        return self.message


def flagged_keys(warnings: Iterable[Os2bosWarning]) -> dict[str, set]:
    """The keys per kind of the rows imported although they fail validation."""
    result: dict[str, set] = {}
    for warning in warnings:
        if warning.invalid and warning.kind:
            result.setdefault(warning.kind, set()).add(warning.key)
    return result


class _Reader:
    def __init__(self, directory: Path, progress: Callable[[str], Any] | None):
        self.directory = directory
        self.progress = progress
        self.warnings: list[Os2bosWarning] = []
        self.records: dict[str, list[dict] | None] = {}

    def warn(self, message: str, kind: str | None = None, key=None, invalid: bool = False):
        self.warnings.append(Os2bosWarning(message, kind, key, invalid))

    def report(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    # -- files -------------------------------------------------------------------------------

    def load_all(self) -> None:
        total = len(_FILES)
        for number, (filename, model) in enumerate(_FILES.items(), start=1):
            self.report(f"Læser {filename} ({number}/{total})")
            self.records[filename] = self._load(filename, model)
        for filename in _NOT_READ:
            if (self.directory / filename).is_file():
                self.warn(f"{filename} importeres ikke (ingen tilsvarende klassifikation).")

    def _load(self, filename: str, model: str) -> list[dict] | None:
        path = self.directory / filename
        if not path.is_file():
            self.warn(f"{filename} findes ikke og springes over.")
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise Os2bosImportError(f"{filename} kan ikke læses som JSON: {error}") from None
        if not isinstance(data, list):
            raise Os2bosImportError(f"{filename} skal indeholde en liste af objekter.")
        records = []
        others = 0
        for item in data:
            if (
                not isinstance(item, dict)
                or "pk" not in item
                or not isinstance(item.get("fields"), dict)
            ):
                raise Os2bosImportError(
                    f"{filename} har ikke Djangos fixture-format "
                    '([{"model": ..., "pk": ..., "fields": {...}}, ...]).'
                )
            if item.get("model") != model:
                others += 1
                continue
            records.append(item)
        if others:
            self.warn(f"{filename}: {others} objekter af en anden model end {model} springes over.")
        return records

    def has(self, filename: str) -> bool:
        return self.records.get(filename) is not None

    def get(self, filename: str) -> list[dict]:
        return self.records.get(filename) or []

    # -- kinds -------------------------------------------------------------------------------

    def account_aliases(self) -> list[dict]:
        rows, seen = [], set()
        for record in self.get("accountaliasmappings.json"):
            fields = record["fields"]
            alias = text_of(fields.get("alias"))
            main = text_of(fields.get("main_account_number"))
            category = text_of(fields.get("activity_number"))
            if not alias or not main or not category:
                self.warn(
                    f"Kontoalias (pk {record['pk']}) mangler alias, hovedkonto eller "
                    "aktivitetskategori og springes over.",
                    "account_aliases",
                    alias or None,
                )
                continue
            if alias in seen:
                self.warn(
                    f"Kontoalias {alias} står flere gange; kun det første bruges.",
                    "account_aliases",
                    alias,
                )
                continue
            seen.add(alias)
            rows.append({"alias": alias, "main_account_number": main, "category_id": category})
        return rows

    def target_groups(self) -> tuple[list[dict], dict[Any, str]]:
        rows, by_pk, used = [], {}, set()
        for record in self.get("targetgroups.json"):
            fields = record["fields"]
            name = text_of(fields.get("name"))
            key = _unique(slugify(name) or f"maalgruppe_{record['pk']}", used)
            by_pk[record["pk"]] = key
            rows.append(
                {
                    "key": key,
                    "title": name,
                    "required_fields": _csv(fields.get("required_fields_for_case")),
                    "active": fields.get("active", True),
                }
            )
        return rows, by_pk

    def activity_categories(self) -> tuple[list[dict], dict[Any, str]]:
        rows, by_pk, seen = [], {}, set()
        for record in self.get("activity_categories.json"):
            fields = record["fields"]
            category_id = text_of(fields.get("category_id"))
            name = text_of(fields.get("name"))
            if not category_id:
                self.warn(f"Aktivitetskategorien »{name}« har intet kategori-id og springes over.")
                continue
            by_pk[record["pk"]] = category_id
            if category_id in seen:
                self.warn(
                    f"Aktivitetskategori {category_id} står flere gange; kun den første bruges.",
                    "activity_categories",
                    category_id,
                )
                continue
            seen.add(category_id)
            if fields.get("active") is False:
                self.warn(
                    f"Aktivitetskategori {category_id} er inaktiv i OS2BOS; kategorier har "
                    "ingen aktiv-markering her og importeres som aktive.",
                    "activity_categories",
                    category_id,
                )
            rows.append({"category_id": category_id, "title": name})
        return rows, by_pk

    def approval_levels(self) -> list[dict]:
        rows, used = [], set()
        records = sorted(self.get("approvallevels.json"), key=lambda r: _pk_order(r["pk"]))
        next_rank = max(rank for rank, _ in KNOWN_LEVELS.values()) + 10
        for record in records:
            name = text_of(record["fields"].get("name"))
            if not name:
                self.warn(
                    f"Bevillingsniveau med pk {record['pk']} har intet navn og springes over."
                )
                continue
            key = _unique(slugify(name), used)
            known = KNOWN_LEVELS.get(name.casefold())
            if known is not None:
                rank, role = known
            else:
                rank, next_rank = next_rank, next_rank + 10
                role = _level_role(name)
                self.warn(
                    f"Bevillingsniveauet »{name}« er ikke et af OS2BOS' standardniveauer; det "
                    f"placeres øverst (rang {rank}) med rollen {role}. Kontroller rang og rolle.",
                    "approval_levels",
                    key,
                )
            rows.append(
                {
                    "key": key,
                    "title": name[:1].upper() + name[1:],
                    "rank": rank,
                    "role": role,
                    "committee": role == "BOSCommitteeSecretary",
                }
            )
        return sorted(rows, key=lambda row: row["rank"])

    def sections(self, target_groups: dict[Any, str] | None) -> tuple[list[dict], dict[Any, str]]:
        rows, by_pk, seen = [], {}, set()
        for record in self.get("sections.json"):
            fields = record["fields"]
            key = text_of(fields.get("paragraph"))
            if not key:
                self.warn(
                    f"Paragraf med pk {record['pk']} har ingen paragraf-nøgle og springes over."
                )
                continue
            by_pk[record["pk"]] = key
            if key in seen:
                self.warn(
                    f"Paragraf {key} står flere gange; kun den første bruges.", "sections", key
                )
                continue
            seen.add(key)
            title = text_of(fields.get("text"))
            if not title:
                title = key
                self.warn(
                    f"Paragraf {key} har ingen tekst; nøglen bruges som titel.", "sections", key
                )
            groups = []
            for pk in fields.get("allowed_for_target_groups") or []:
                if target_groups is None:
                    continue
                if pk in target_groups:
                    groups.append(target_groups[pk])
                else:
                    self.warn(
                        f"Paragraf {key} henviser til en ukendt målgruppe (pk {pk}); den udelades.",
                        "sections",
                        key,
                    )
            if target_groups is None and fields.get("allowed_for_target_groups"):
                self.warn(
                    f"Paragraf {key}: målgrupperne udelades, fordi targetgroups.json mangler.",
                    "sections",
                    key,
                )
            steps = []
            for pk in fields.get("allowed_for_steps") or []:
                if pk not in _EFFORT_STEP_NUMBERS:
                    self.warn(
                        f"Paragraf {key} henviser til indsatstrappetrin med pk {pk}; OS2BOS' "
                        "trin har pk 1-6 (= trinnummeret); importeret, bør rettes.",
                        "sections",
                        key,
                        invalid=True,
                    )
                steps.append(pk)
            rows.append(
                {
                    "key": key,
                    "law_name": text_of(fields.get("law_text_name")),
                    "title": title,
                    "text": "",
                    "target_groups": groups,
                    "effort_steps": steps,
                    "dst_code": text_of(fields.get("dst_code")),
                    "dst_preventative_measures": bool(fields.get("dst_preventative_measures")),
                    "dst_handicap": bool(fields.get("dst_handicap")),
                    "active": fields.get("active", True),
                    "old_sel_keys": "",
                }
            )
        return rows, by_pk

    def service_providers(self) -> tuple[list[dict], dict[Any, str]]:
        rows, by_pk, seen = [], {}, set()
        for record in self.get("serviceproviders.json"):
            fields = record["fields"]
            name = text_of(fields.get("name"))
            cvr = text_of(fields.get("cvr_number"))
            if not cvr:
                self.warn(f"Leverandør »{name}« har intet CVR-nummer og springes over.")
                continue
            by_pk[record["pk"]] = cvr
            if cvr in seen:
                self.warn(
                    f"CVR-nummer {cvr} står flere gange (»{name}«); kun den første bruges.",
                    "service_providers",
                    cvr,
                )
                continue
            seen.add(cvr)
            try:
                validate_cvr(cvr)
            except InvalidIdentifier as error:
                if "kontrolciffer" in error.message:
                    message = (
                        f"Leverandør »{name}« har et CVR-nummer med forkert kontrolciffer "
                        f"({cvr}); importeret, bør rettes."
                    )
                else:
                    reason = error.message.rstrip(".")
                    message = (
                        f"Leverandør »{name}« har et ugyldigt CVR-nummer ({cvr}: {reason}); "
                        "importeret, bør rettes."
                    )
                self.warn(message, "service_providers", cvr, invalid=True)
            vat = text_of(fields.get("vat_factor")) or "100.00"
            try:
                vat_ok = 0 < parse_decimal(vat) <= 100
            except ValueError:
                vat_ok = False
            if not vat_ok:
                self.warn(
                    f"Leverandør »{name}« ({cvr}) har momsfaktoren »{vat}«, som ikke ligger i "
                    "intervallet 0-100; importeret, bør rettes.",
                    "service_providers",
                    cvr,
                    invalid=True,
                )
            street = " ".join(
                part
                for part in (text_of(fields.get("street")), text_of(fields.get("street_number")))
                if part
            )
            rows.append(
                {
                    "cvr": cvr,
                    "name": name,
                    "street": street,
                    "zip_code": text_of(fields.get("zip_code")),
                    "city": text_of(fields.get("post_district")),
                    "business_code": text_of(fields.get("business_code")),
                    "business_code_text": text_of(fields.get("business_code_text")),
                    "vat_factor": vat,
                    "active": fields.get("active", True),
                }
            )
        return rows, by_pk

    def services(
        self,
        sections: dict[Any, str] | None,
        categories: dict[Any, str] | None,
        providers: dict[Any, str] | None,
    ) -> list[dict]:
        details = self.get("activitydetails.json")
        ids: dict[Any, str] = {}
        for record in details:
            activity_id = text_of(record["fields"].get("activity_id"))
            if activity_id:
                ids.setdefault(record["pk"], activity_id)
        infos_by_detail: dict[Any, list[dict]] = {}
        if not self.has("sectioninfos.json"):
            self.warn("Ydelserne importeres uden paragraf-oplysninger (sectioninfos.json mangler).")
        for record in self.get("sectioninfos.json"):
            infos_by_detail.setdefault(record["fields"].get("activity_details"), []).append(record)

        rows, seen = [], set()
        for record in details:
            fields = record["fields"]
            name = text_of(fields.get("name"))
            service_id = text_of(fields.get("activity_id"))
            if not service_id:
                self.warn(f"Ydelse »{name}« har intet ydelses-id og springes over.")
                continue
            if service_id in seen:
                self.warn(
                    f"Ydelses-id {service_id} står flere gange (»{name}«); kun den første bruges.",
                    "services",
                    service_id,
                )
                continue
            seen.add(service_id)
            try:
                validate_service_id(service_id)
            except InvalidIdentifier:
                self.warn(
                    f"Ydelse »{name}« har ydelses-id »{service_id}«, som ikke er 6 cifre; "
                    "importeret, bør rettes.",
                    "services",
                    service_id,
                    invalid=True,
                )
            entries, entry_categories = self._main_entries(
                service_id, infos_by_detail.get(record["pk"], []), sections, categories
            )
            self._add_supplementary(service_id, fields, entries, sections)
            category = _most_common(entry_categories)
            for entry in entries.values():
                own = entry.pop("_category", None)
                if own is None and category and entry["main"]:
                    self.warn(
                        f"Ydelse {service_id} har under paragraf {entry['section']} ingen "
                        f"aktivitetskategori i OS2BOS; ydelsens kategori {category} bruges.",
                        "services",
                        service_id,
                    )
                entry["activity_category"] = "" if own in (None, category) else own
            follows = []
            for pk in fields.get("main_activities") or []:
                if pk in ids:
                    follows.append(ids[pk])
                else:
                    self.warn(
                        f"Ydelse {service_id} følger en ukendt hovedydelse (pk {pk}); "
                        "den udelades.",
                        "services",
                        service_id,
                    )
            preferred = []
            for pk in fields.get("service_providers") or []:
                if providers is not None and pk in providers:
                    preferred.append(providers[pk])
                else:
                    self.warn(
                        f"Ydelse {service_id} henviser til en ukendt leverandør (pk {pk}); "
                        "den udelades.",
                        "services",
                        service_id,
                    )
            rows.append(
                {
                    "service_id": service_id,
                    "title": name,
                    "description": text_of(fields.get("description")),
                    "activity_category": category,
                    "sections": list(entries.values()),
                    "follows_main_services": follows,
                    "preferred_providers": preferred,
                    "only_preferred": False,
                    "active": fields.get("active", True),
                }
            )
        return rows

    def _main_entries(self, service_id, infos, sections, categories):
        entries: dict[str, dict] = {}
        entry_categories: list[str] = []
        for info in infos:
            fields = info["fields"]
            section = (sections or {}).get(fields.get("section"))
            if section is None:
                self.warn(
                    f"Ydelse {service_id}: paragraf-oplysning (pk {info['pk']}) henviser til en "
                    f"ukendt paragraf (pk {fields.get('section')}); den udelades.",
                    "services",
                    service_id,
                )
                continue
            if fields.get("active") is False:
                self.warn(
                    f"Ydelse {service_id}: paragraf-oplysningen for {section} er inaktiv i "
                    "OS2BOS og udelades.",
                    "services",
                    service_id,
                )
                continue
            if section in entries:
                self.warn(
                    f"Ydelse {service_id}: paragraf {section} står flere gange; kun den første "
                    "bruges.",
                    "services",
                    service_id,
                )
                continue
            category = None
            category_pk = fields.get("activity_category")
            if category_pk is not None:
                category = (categories or {}).get(category_pk)
                if category is None:
                    self.warn(
                        f"Ydelse {service_id}: paragraf {section} henviser til en ukendt "
                        f"aktivitetskategori (pk {category_pk}); den udelades.",
                        "services",
                        service_id,
                    )
                else:
                    entry_categories.append(category)
            entries[section] = {
                "section": section,
                "main": True,
                "supplementary": False,
                "kle_number": text_of(fields.get("kle_number")),
                "sbsys_template_id": text_of(fields.get("sbsys_template_id")),
                "main_account_number": text_of(fields.get("main_activity_main_account_number")),
                "supplementary_main_account_number": text_of(
                    fields.get("supplementary_activity_main_account_number")
                ),
                "_category": category,
            }
        return entries, entry_categories

    def _add_supplementary(self, service_id, fields, entries, sections):
        for pk in fields.get("supplementary_activity_for") or []:
            section = (sections or {}).get(pk)
            if section is None:
                self.warn(
                    f"Ydelse {service_id} er følgeudgift under en ukendt paragraf (pk {pk}); "
                    "den udelades.",
                    "services",
                    service_id,
                )
                continue
            if section in entries:
                entries[section]["supplementary"] = True
                continue
            entries[section] = {
                "section": section,
                "main": False,
                "supplementary": True,
                "kle_number": "",
                "sbsys_template_id": "",
                "main_account_number": "",
                "supplementary_main_account_number": "",
                "_category": None,
            }

    def rates(self) -> list[dict]:
        variable = {r["pk"] for r in self.get("variablerates.json")}
        rates = sorted(self.get("rates.json"), key=lambda r: _pk_order(r["pk"]))
        rate_pks = {r["pk"] for r in rates}
        if self.has("variablerates.json"):
            for record in rates:
                if record["pk"] not in variable:
                    self.warn(
                        f"Taksten »{text_of(record['fields'].get('name'))}« (pk {record['pk']}) "
                        "mangler i variablerates.json; perioderne læses alligevel."
                    )
        periods: dict[Any, list[dict]] = {}
        if not self.has("ratesperdate.json"):
            self.warn("Taksterne importeres uden perioder (ratesperdate.json mangler).")
        for record in self.get("ratesperdate.json"):
            fields = record["fields"]
            owner = fields.get("main_rate")
            if owner not in rate_pks:
                if owner not in variable:
                    self.warn(
                        f"Takstperiode med pk {record['pk']} hører til en ukendt takst "
                        f"(pk {owner}) og springes over."
                    )
                continue  # a per-activity price's period, not a central rate's
            periods.setdefault(owner, []).append(
                {
                    "start_date": fields.get("start_date"),
                    "end_date": fields.get("end_date"),
                    "amount": fields.get("rate"),
                }
            )
        rows, used = [], set()
        for record in rates:
            fields = record["fields"]
            name = text_of(fields.get("name"))
            key = _unique(slugify(name) or f"takst_{record['pk']}", used)
            rate_periods = periods.get(record["pk"], [])
            if not rate_periods:
                self.warn(
                    f"Taksten »{name}« har ingen perioder; importeret, bør have et beløb.",
                    "rates",
                    key,
                    invalid=True,
                )
            rows.append(
                {
                    "key": key,
                    "title": name,
                    "description": text_of(fields.get("description")),
                    "periods": rate_periods,
                }
            )
        return rows


def _pk_order(pk) -> tuple:
    return (0, pk, "") if isinstance(pk, int) else (1, 0, str(pk))


def _unique(key: str, used: set[str]) -> str:
    candidate, number = key, 2
    while candidate in used:
        candidate, number = f"{key}_{number}", number + 1
    used.add(candidate)
    return candidate


def _csv(value) -> list[str]:
    return [part.strip() for part in text_of(value).split(",") if part.strip()]


def _most_common(values: list[str]) -> str:
    """The most common value; among equals the first one met; "" for no values."""
    if not values:
        return ""
    counts = Counter(values)
    best = max(counts.values())
    return next(value for value in values if counts[value] == best)


def _level_role(name: str) -> str:
    lowered = name.casefold()
    if any(word in lowered for word in _COMMITTEE_WORDS):
        return "BOSCommitteeSecretary"
    return _UNKNOWN_LEVEL_ROLE


def read_os2bos_fixtures(
    directory: str | Path, progress: Callable[[str], Any] | None = None
) -> tuple[dict[str, list[dict]], list[Os2bosWarning]]:
    """Read an OS2BOS installation's fixture files into interchange rows.

    Returns ``(rows, warnings)``: ``rows`` maps each kind that could be read to its
    normalised rows, ``warnings`` lists :class:`Os2bosWarning` (missing files, dropped
    references, legacy values kept although invalid). ``progress``, when given, is called with
    a short Danish status text before each file and each kind. Raises
    :class:`Os2bosImportError` when a file exists but is not a Django fixture.
    """
    reader = _Reader(Path(directory), progress)
    reader.load_all()
    rows: dict[str, list[dict]] = {}

    reader.report("Omsætter klassifikationen")
    target_groups = None
    if reader.has("targetgroups.json"):
        rows["target_groups"], target_groups = reader.target_groups()
    categories = None
    if reader.has("activity_categories.json"):
        rows["activity_categories"], categories = reader.activity_categories()
    if reader.has("approvallevels.json"):
        rows["approval_levels"] = reader.approval_levels()
    sections = None
    if reader.has("sections.json"):
        rows["sections"], sections = reader.sections(target_groups)
    providers = None
    if reader.has("serviceproviders.json"):
        rows["service_providers"], providers = reader.service_providers()
    if reader.has("activitydetails.json"):
        if sections is None:
            reader.warn("Ydelsernes paragraffer udelades, fordi sections.json mangler.")
        rows["services"] = reader.services(sections, categories, providers)
    if reader.has("rates.json"):
        rows["rates"] = reader.rates()
    if reader.has("accountaliasmappings.json"):
        rows["account_aliases"] = reader.account_aliases()

    result = {
        kind: [normalise(kind, row) for row in rows[kind]] for kind in KIND_NAMES if kind in rows
    }
    reader.report("Færdig")
    return result, reader.warnings
