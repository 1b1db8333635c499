"""The approval-rule evaluator (regelmotor) and the competence checks behind workflow guards.

Approval levels (bevillingsniveauer) and approval rules are *data*: an administrator maintains
them, and the Plone side hands them to the functions here. Nothing in this module knows the
municipality's concrete levels; :data:`DEFAULT_LEVELS` is only the seed an installation starts
from.

Model
-----
* An :class:`ApprovalLevel` has a ``rank``; a higher rank is more senior. Each level names the
  Plone role whose holders decide at that level (``role``), and whether it is a political or
  legal body that decides in a meeting (``committee``).
* An :class:`ApprovalRule` says "grants under this section / of this service / within this
  annual cost band need at least this level". :func:`required_level` takes the most senior
  level among all matching rules. With no matching rule the least senior level applies.
* A user may decide a grant when one of the levels whose role they hold ranks at or above the
  required level (:func:`may_decide`). The level they decide *as* is the least senior of their
  levels that suffices (:func:`deciding_level`); when that is a committee level, the decision
  must carry the meeting date and a reference (:func:`committee_decision_errors`).

Unknown levels
--------------
A rule naming a level key that is not among the levels is a configuration error.
:func:`validate_rules` reports it (for the rules control panel). :func:`required_level` raises
:class:`UnknownApprovalLevel` when such a rule *matches* the grant being evaluated, because
ignoring it could silently lower the required level; rules that do not match are irrelevant to
the answer and do not block unrelated grants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from os2bos_plone.engine.money import format_money

__all__ = [
    "DEFAULT_LEVELS",
    "ApprovalLevel",
    "ApprovalRule",
    "Decision",
    "GrantRule",
    "RejectRule",
    "SubmitRule",
    "UnknownApprovalLevel",
    "committee_decision_errors",
    "RuleMatch",
    "deciding_level",
    "describe_rule",
    "explain_required_level",
    "highest_level",
    "levels_for_roles",
    "lowest_level",
    "may_decide",
    "required_level",
    "validate_levels",
    "validate_rules",
]

_SERVICE_ID_RE = re.compile(r"[0-9]{6}")


class UnknownApprovalLevel(ValueError):
    """A matching approval rule names a level key that is not among the known levels."""

    def __init__(self, level_key: str):
        self.level_key = level_key
        super().__init__(
            f"En bevillingsregel henviser til bevillingsniveauet »{level_key}«, som ikke findes. "
            "Ret reglerne under regelmotoren."
        )


@dataclass(frozen=True)
class ApprovalLevel:
    """One approval level (bevillingsniveau).

    ``role`` is the Plone role id whose holders decide at this level. ``committee`` marks a
    body that decides in a meeting (udvalg, nævn); its decisions need a meeting date and a
    reference.
    """

    key: str
    title: str
    rank: int
    role: str
    committee: bool = False


#: Seed levels for a new installation. The role ids are those of ``os2bos_plone.roles``
#: (BOSCaseWorker = "BOS Sagsbehandler", BOSTeamLeader = "BOS Teamleder",
#: BOSSectionLeader = "BOS Afsnitsleder", BOSCommitteeSecretary = "BOS Udvalgssekretær").
#: Ranks leave gaps so that an administrator can insert levels without renumbering.
DEFAULT_LEVELS: tuple[ApprovalLevel, ...] = (
    ApprovalLevel("egenkompetence", "Egenkompetence", 10, "BOSCaseWorker"),
    ApprovalLevel("teammoede", "Teammøde", 20, "BOSTeamLeader"),
    ApprovalLevel("fagspecialist", "Fagspecialist", 30, "BOSTeamLeader"),
    ApprovalLevel("teamleder", "Teamleder", 40, "BOSTeamLeader"),
    ApprovalLevel("afsnitsleder", "Afsnitsleder", 50, "BOSSectionLeader"),
    ApprovalLevel(
        "boerne_og_ungeudvalget",
        "Børne- og ungeudvalget",
        70,
        "BOSCommitteeSecretary",
        committee=True,
    ),
    ApprovalLevel(
        "ungdomskriminalitetsnaevnet",
        "Ungdomskriminalitetsnævnet",
        80,
        "BOSCommitteeSecretary",
        committee=True,
    ),
)


@dataclass(frozen=True, kw_only=True)
class ApprovalRule:
    """One rule row: grants matching it need at least ``level``.

    * ``section``: "" matches any section; otherwise a section key matches when it equals the
      pattern or starts with the pattern followed by "-" ("BL-43" matches "BL-43" and
      "BL-43-1.1", not "BL-430"). Comparison ignores case and surrounding whitespace.
    * ``service``: "" matches any service; otherwise the 6-digit service id must be equal.
    * ``min_annual_cost`` (inclusive) and ``max_annual_cost`` (exclusive) bound the annual cost;
      ``None`` is unbounded.
    """

    section: str = ""
    service: str = ""
    min_annual_cost: Decimal | None = None
    max_annual_cost: Decimal | None = None
    level: str

    def matches_section(self, section_key: str | None) -> bool:
        pattern = (self.section or "").strip().casefold()
        if not pattern:
            return True
        if not section_key:
            return False
        key = section_key.strip().casefold()
        return key == pattern or key.startswith(pattern + "-")

    def matches_service(self, service_id: str | None) -> bool:
        wanted = (self.service or "").strip()
        if not wanted:
            return True
        return (service_id or "").strip() == wanted

    def matches_cost(self, annual_cost: Decimal) -> bool:
        if self.min_annual_cost is not None and annual_cost < self.min_annual_cost:
            return False
        if self.max_annual_cost is not None and annual_cost >= self.max_annual_cost:
            return False
        return True

    def matches(self, section_key: str | None, service_id: str | None, annual_cost) -> bool:
        cost = _as_decimal(annual_cost)
        return (
            self.matches_section(section_key)
            and self.matches_service(service_id)
            and self.matches_cost(cost)
        )


def _as_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"annual cost must be a Decimal, got {type(value).__name__}")


def _sorted_levels(levels: Iterable[ApprovalLevel]) -> list[ApprovalLevel]:
    # sorted() is stable, so equal ranks keep the caller's order.
    return sorted(levels, key=lambda level: level.rank)


def lowest_level(levels: Iterable[ApprovalLevel]) -> ApprovalLevel:
    """The least senior level (the first one given among equal ranks)."""
    ordered = _sorted_levels(levels)
    if not ordered:
        raise ValueError("Der er ikke defineret nogen bevillingsniveauer.")
    return ordered[0]


def highest_level(levels: Iterable[ApprovalLevel]) -> ApprovalLevel:
    """The most senior level (the first one given among equal ranks).

    Useful for a batch: the level a batch needs is the highest of its activities' levels.
    """
    ordered = _sorted_levels(levels)
    if not ordered:
        raise ValueError("Der er ikke defineret nogen bevillingsniveauer.")
    top = ordered[-1].rank
    return next(level for level in ordered if level.rank == top)


def required_level(
    rules: Iterable[ApprovalRule],
    levels: Sequence[ApprovalLevel],
    section_key: str | None,
    service_id: str | None,
    annual_cost: Decimal,
) -> ApprovalLevel:
    """The level a grant needs: the most senior level among the matching rules.

    With no matching rule the least senior level applies. Raises
    :class:`UnknownApprovalLevel` when a matching rule names an unknown level, and
    ``ValueError`` when ``levels`` is empty.
    """
    base = lowest_level(levels)
    by_key = {}
    for level in levels:
        by_key.setdefault(level.key, level)
    cost = _as_decimal(annual_cost)
    result = base
    for rule in rules:
        if not rule.matches(section_key, service_id, cost):
            continue
        level = by_key.get(rule.level)
        if level is None:
            raise UnknownApprovalLevel(rule.level)
        if level.rank > result.rank:
            result = level
    return result


@dataclass(frozen=True)
class RuleMatch:
    """Why a measure needs its level: the level, the rule that set it and that rule's position
    in the rule list (0-based); ``rule`` and ``index`` are None when no rule matched and the
    least senior level applies."""

    level: ApprovalLevel
    rule: ApprovalRule | None = None
    index: int | None = None


def explain_required_level(
    rules: Iterable[ApprovalRule],
    levels: Sequence[ApprovalLevel],
    section_key: str | None,
    service_id: str | None,
    annual_cost: Decimal,
) -> RuleMatch:
    """:func:`required_level` with its reason: the matching rule that demands the level.

    Among matching rules of the winning rank the first one in the list is named, so the answer
    is the level :func:`required_level` gives (same order, same ``>`` comparison). A matching
    rule of the least senior level is named too (it is still the rule that applies). Raises as
    :func:`required_level` does."""
    base = lowest_level(levels)
    by_key = {}
    for level in levels:
        by_key.setdefault(level.key, level)
    cost = _as_decimal(annual_cost)
    result = RuleMatch(base)
    for index, rule in enumerate(rules):
        if not rule.matches(section_key, service_id, cost):
            continue
        level = by_key.get(rule.level)
        if level is None:
            raise UnknownApprovalLevel(rule.level)
        if level.rank > result.level.rank or (
            result.rule is None and level.rank == result.level.rank
        ):
            result = RuleMatch(level, rule, index)
    return result


def describe_rule(
    rule: ApprovalRule, section_text: str | None = None, service_text: str | None = None
) -> str:
    """The rule in Danish words: "§ BL-46 · alle ydelser · årlig udgift fra 50.000,00 kr.".

    ``section_text``/``service_text`` replace the bare key/id when the caller knows titles."""
    section = (rule.section or "").strip()
    service = (rule.service or "").strip()
    parts = [
        (section_text or f"§ {section}") if section else "alle paragraffer",
        (service_text or f"ydelse {service}") if service else "alle ydelser",
    ]
    low, high = rule.min_annual_cost, rule.max_annual_cost
    if low is not None and high is not None:
        parts.append(f"årlig udgift fra {format_money(low)} til under {format_money(high)}")
    elif low is not None:
        parts.append(f"årlig udgift fra {format_money(low)}")
    elif high is not None:
        parts.append(f"årlig udgift under {format_money(high)}")
    else:
        parts.append("alle beløb")
    return " · ".join(parts)


def validate_levels(levels: Sequence[ApprovalLevel]) -> list[str]:
    """Danish messages for problems in the level list (empty when it is usable)."""
    errors: list[str] = []
    if not levels:
        return ["Der skal være mindst ét bevillingsniveau."]
    seen_keys: set[str] = set()
    seen_ranks: dict[int, str] = {}
    for number, level in enumerate(levels, start=1):
        prefix = f"Niveau {number}"
        if not level.key.strip():
            errors.append(f"{prefix}: Angiv en nøgle.")
        elif level.key in seen_keys:
            errors.append(f"{prefix}: Nøglen »{level.key}« er brugt mere end én gang.")
        seen_keys.add(level.key)
        if not level.title.strip():
            errors.append(f"{prefix}: Angiv en titel.")
        if not level.role.strip():
            errors.append(f"{prefix}: Angiv den rolle, der bevilger på niveauet.")
        if level.rank in seen_ranks:
            errors.append(
                f"{prefix}: Rangen {level.rank} bruges også af »{seen_ranks[level.rank]}«; "
                "niveauerne skal have forskellig rang."
            )
        else:
            seen_ranks[level.rank] = level.title
    return errors


def validate_rules(rules: Sequence[ApprovalRule], levels: Sequence[ApprovalLevel]) -> list[str]:
    """Danish messages, one per problem, naming the 1-based rule row."""
    known = {level.key for level in levels}
    errors: list[str] = []
    for number, rule in enumerate(rules, start=1):
        prefix = f"Regel {number}"
        level_key = (rule.level or "").strip()
        if not level_key:
            errors.append(f"{prefix}: Angiv et bevillingsniveau.")
        elif rule.level not in known:
            errors.append(f"{prefix}: Bevillingsniveauet »{rule.level}« findes ikke.")
        section = (rule.section or "").strip()
        if section.endswith("-"):
            errors.append(f"{prefix}: Paragraffen »{section}« må ikke slutte med en bindestreg.")
        service = (rule.service or "").strip()
        if service and not _SERVICE_ID_RE.fullmatch(service):
            errors.append(f"{prefix}: Ydelses-id »{service}« skal være præcis 6 cifre.")
        low, high = rule.min_annual_cost, rule.max_annual_cost
        if low is not None and low < 0:
            errors.append(f"{prefix}: Minimumsbeløbet må ikke være negativt.")
        if high is not None and high < 0:
            errors.append(f"{prefix}: Maksimumsbeløbet må ikke være negativt.")
        if low is not None and high is not None and low >= high:
            errors.append(
                f"{prefix}: Minimumsbeløbet ({format_money(low)}) skal være mindre end "
                f"maksimumsbeløbet ({format_money(high)})."
            )
    return errors


# -- competence -------------------------------------------------------------------------------


def levels_for_roles(levels: Iterable[ApprovalLevel], roles: Iterable[str]) -> list[ApprovalLevel]:
    """The levels whose deciding role the user holds, least senior first."""
    held = set(roles)
    return _sorted_levels(level for level in levels if level.role in held)


def deciding_level(
    user_levels: Iterable[ApprovalLevel], required: ApprovalLevel
) -> ApprovalLevel | None:
    """The level a user decides as: their least senior level that ranks at or above
    ``required``; ``None`` when they have no such level."""
    for level in _sorted_levels(user_levels):
        if level.rank >= required.rank:
            return level
    return None


def may_decide(
    levels: Iterable[ApprovalLevel], roles: Iterable[str], required: ApprovalLevel
) -> bool:
    """True when one of the levels whose role the user holds ranks at or above ``required``."""
    return deciding_level(levels_for_roles(levels, roles), required) is not None


def committee_decision_errors(
    level: ApprovalLevel,
    meeting_date: date | None,
    decision_reference: str | None,
    decision_text: str | None = None,
    *,
    today: date | None = None,
) -> list[str]:
    """Danish messages for a missing committee decision record.

    Only committee levels need one: the meeting date and a reference (an agenda item or a
    journal number) are required. ``decision_text`` is optional and not checked. When
    ``today`` is given, a meeting date after it is refused.
    """
    if not level.committee:
        return []
    errors: list[str] = []
    if meeting_date is None:
        errors.append(f"Angiv datoen for mødet, hvor »{level.title}« traf afgørelsen.")
    elif today is not None and meeting_date > today:
        errors.append("Mødedatoen kan ikke ligge efter dags dato.")
    if not (decision_reference or "").strip():
        errors.append(
            f"Angiv en reference til afgørelsen i »{level.title}« "
            "(fx dagsordenspunkt eller journalnummer)."
        )
    return errors


@dataclass(frozen=True)
class Decision:
    """A recorded decision at ``level``; committee levels need meeting data."""

    level: ApprovalLevel
    meeting_date: date | None = None
    decision_reference: str = ""
    decision_text: str = ""

    def errors(self, today: date | None = None) -> list[str]:
        return committee_decision_errors(
            self.level,
            self.meeting_date,
            self.decision_reference,
            self.decision_text,
            today=today,
        )


# -- transition rules (called by the Plone workflow guards) ------------------------------------


class GrantRule:
    """May this user grant something that needs ``required``?

    ``user_levels`` are the levels the user holds (see :func:`levels_for_roles`).
    ``allowed()`` checks competence only, so that a guard can show the transition before the
    user has typed anything; a form that records a committee decision also checks
    :meth:`decision_errors`.
    """

    def __init__(self, required: ApprovalLevel, user_levels: Iterable[ApprovalLevel]):
        self.required = required
        self.user_levels = tuple(_sorted_levels(user_levels))

    @property
    def deciding_level(self) -> ApprovalLevel | None:
        return deciding_level(self.user_levels, self.required)

    @property
    def needs_committee_decision(self) -> bool:
        level = self.deciding_level
        return level is not None and level.committee

    def allowed(self) -> bool:
        return self.deciding_level is not None

    def reason(self) -> str:
        """Why the grant is refused (Danish); "" when it is allowed."""
        if self.allowed():
            return ""
        wanted = f"Ydelsen kræver bevillingsniveau »{self.required.title}«"
        if not self.user_levels:
            return f"{wanted}; du har ingen bevillingskompetence."
        own = highest_level(self.user_levels)
        return f"{wanted}; du har kompetence til »{own.title}«."

    def decision_errors(
        self,
        meeting_date: date | None,
        decision_reference: str | None,
        decision_text: str | None = None,
        *,
        today: date | None = None,
    ) -> list[str]:
        level = self.deciding_level
        if level is None:
            return [self.reason()]
        return committee_decision_errors(
            level, meeting_date, decision_reference, decision_text, today=today
        )


class SubmitRule:
    """May an activity be submitted for approval (indstilles til bevilling)?

    Only activities in one of ``SUBMITTABLE_STATES`` can be submitted. Submitting is needed
    only when the required level is above the user's own competence (:meth:`necessary`), but
    it is always allowed: a case worker may want a superior's decision anyway.
    """

    SUBMITTABLE_STATES: frozenset[str] = frozenset({"draft"})

    def __init__(
        self,
        status: str,
        required: ApprovalLevel | None = None,
        user_levels: Iterable[ApprovalLevel] = (),
    ):
        self.status = status
        self.required = required
        self.user_levels = tuple(_sorted_levels(user_levels))

    def allowed(self) -> bool:
        return self.status in self.SUBMITTABLE_STATES

    def reason(self) -> str:
        if self.allowed():
            return ""
        return "Kun ydelser, der er kladder, kan indstilles til bevilling."

    def necessary(self) -> bool:
        """True when the user cannot grant it themselves (or the required level is unknown)."""
        if self.required is None:
            return True
        return deciding_level(self.user_levels, self.required) is None

    def advice(self) -> str:
        """A hint for the submit form (Danish); "" when submitting is the normal route."""
        if not self.allowed() or self.necessary():
            return ""
        return (
            f"Du har selv kompetence til at bevilge ydelsen (kræver »{self.required.title}«); "
            "en indstilling er ikke nødvendig."
        )


class RejectRule:
    """May a submitted activity be rejected? A reason is always required.

    When ``required`` is given, the user must also have the competence to decide it.
    """

    MISSING_COMMENT = "Angiv en begrundelse for afvisningen"

    def __init__(
        self,
        comment: str | None,
        required: ApprovalLevel | None = None,
        user_levels: Iterable[ApprovalLevel] = (),
    ):
        self.comment = comment or ""
        self.grant_rule = GrantRule(required, user_levels) if required is not None else None

    def allowed(self) -> bool:
        if self.grant_rule is not None and not self.grant_rule.allowed():
            return False
        return bool(self.comment.strip())

    def reason(self) -> str:
        if self.grant_rule is not None and not self.grant_rule.allowed():
            return self.grant_rule.reason()
        if not self.comment.strip():
            return self.MISSING_COMMENT
        return ""
