"""Rules about an activity's place on its appropriation, written once for every caller.

* which services a section allows: :func:`allowed_as_main`, :func:`allowed_as_supplementary`
  (a supplementary service also has to follow the main activity's service), the provider
  restriction of a service, and :func:`catalogue_errors` with the Danish messages of a save;
  :class:`ServiceCatalogue` answers the grant planner's :class:`CatalogueRules` from the same
  functions;
* one main activity per appropriation: :func:`is_root_main`, :func:`main_errors`,
  :data:`MSG_ONE_MAIN`;
* expected adjustments (what an adjustment may be and from when): :func:`adjustment_problems`
  (rule keys, used by the save and by the grant planner, which names the activities in its own
  messages) and :func:`adjustment_errors` (the field messages of a save);
* what may change on a granted activity: :data:`GRANTED_CHANGEABLE`,
  :func:`granted_change_errors`. The edit form and REST PATCH both compare the stored values
  with the values after the change through it.

The Plone side only adapts content to :class:`ServiceEntry` and :class:`Placement`
(``os2bos_plone.adapters``); nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any
from typing import Protocol

from os2bos_plone.engine.payments import CostType
from os2bos_plone.engine.payments import Frequency
from os2bos_plone.engine.payments import PaymentType
from os2bos_plone.engine.validation import FieldError

MAIN = "main"
SUPPLEMENTARY = "supplementary"
GRANTED = "granted"

#: The activity fields (REST names) a save reads and the granted-change rule compares.
#: An activity's fields (REST names), in groups the content schema and the forms lay out.
PAYMENT_PLAN_FIELDS = (
    "payment_type",
    "payment_frequency",
    "payment_day_of_month",
    "payment_date",
    "payment_cost_type",
    "payment_amount",
    "payment_units",
    "payment_rate",
    "payment_prices",
    "individual_payments",
)
RECIPIENT_FIELDS = ("recipient_type", "recipient_id", "recipient_name", "payment_method")
ACTIVITY_FIELDS = (
    ("service", "activity_type", "start_date", "end_date", "modifies", "service_provider", "note")
    + PAYMENT_PLAN_FIELDS
    + RECIPIENT_FIELDS
    + ("fictive",)
)

#: What may change on a granted activity (the rest goes through an expected adjustment).
#: What changes on a granted activity without a new decision: its note, and its end date
#: moved earlier (ending the measure early; the journal records the amounts that fall away).
#: A later or removed end date, another provider or recipient change what was decided: they
#: are a new decision, made as an expected adjustment.
GRANTED_CHANGEABLE = frozenset({"note"})

MSG_SECTION_DECIDED = (
    "Paragraffen kan ikke ændres, når bevillingen har bevilgede eller forventede ydelser"
)
MSG_ONE_MAIN = "Bevillingen har allerede en hovedydelse; der kan kun være én hovedydelse"
MSG_GRANTED_CHANGE = "Ændringer i en bevilget ydelse laves som en forventet justering"
MSG_NOTHING_TO_ADJUST = "Den forventede justering har ingen ydelse at justere"
MSG_ADJUST_NOT_GRANTED = "Der kan kun laves en forventet justering af en bevilget ydelse"
MSG_ADJUST_SAME_SERVICE = "Den forventede justering skal være samme ydelse som den, den justerer"
MSG_ADJUST_SAME_TYPE = (
    "Den forventede justering skal være samme slags ydelse (hoved- eller følgeydelse) "
    "som den, den justerer"
)
MSG_ADJUST_ONE = "Ydelsen har allerede en forventet justering"
MSG_ADJUST_PAST = "Den forventede justerings startdato må ikke ligge før i dag"

# Keys of adjustment_problems (the grant planner words them with the activities' names).
NOT_GRANTED = "not_granted"
SEVERAL = "several"
OTHER_SERVICE = "other_service"
OTHER_TYPE = "other_type"
NO_START = "no_start"
IN_THE_PAST = "in_the_past"


# --------------------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class ServiceEntry:
    """A service of the regelmotor as the rules read it.

    ``main_sections`` / ``supplementary_sections``: section keys where the service may be a
    main / a supplementary activity; ``follows``: main service ids it may follow;
    ``preferred_providers``: provider CVRs; ``only_preferred``: only those may be chosen.
    """

    service_id: str
    title: str = ""
    main_sections: frozenset[str] = frozenset()
    supplementary_sections: frozenset[str] = frozenset()
    follows: frozenset[str] = frozenset()
    preferred_providers: frozenset[str] = frozenset()
    only_preferred: bool = False

    @classmethod
    def from_rows(
        cls,
        service_id: str,
        title: str = "",
        sections: Iterable[Mapping[str, Any]] = (),
        follows: Iterable[str] = (),
        preferred_providers: Iterable[str] = (),
        only_preferred: bool = False,
    ) -> ServiceEntry:
        """From the service's section rows ({"section", "main", "supplementary"})."""
        rows = list(sections or ())
        return cls(
            service_id=service_id,
            title=title or "",
            main_sections=frozenset(r["section"] for r in rows if r.get("main")),
            supplementary_sections=frozenset(r["section"] for r in rows if r.get("supplementary")),
            follows=frozenset(follows or ()),
            preferred_providers=frozenset(preferred_providers or ()),
            only_preferred=bool(only_preferred),
        )


def allowed_as_main(service: ServiceEntry, section_key: str) -> bool:
    """May ``service`` be granted as the main activity under ``section_key``?"""
    return section_key in service.main_sections


def allowed_after_main(service: ServiceEntry, main_service_id: str | None) -> bool:
    """May ``service`` follow a main activity of ``main_service_id`` (None: no main yet)?"""
    return main_service_id is None or main_service_id in service.follows


def allowed_as_supplementary(
    service: ServiceEntry, section_key: str, main_service_id: str | None = None
) -> bool:
    """May ``service`` be a supplementary activity under ``section_key`` after the main
    activity's service (``None`` when there is no main activity yet)?"""
    return section_key in service.supplementary_sections and allowed_after_main(
        service, main_service_id
    )


def provider_allowed(service: ServiceEntry, provider_cvr: str | None) -> bool:
    """A service that allows only its preferred providers refuses any other provider."""
    if provider_cvr is None or not service.only_preferred:
        return True
    return provider_cvr in service.preferred_providers


def catalogue_errors(
    activity_type: str | None,
    service: ServiceEntry | None,
    section_key: str | None,
    main_service: ServiceEntry | None = None,
    provider: tuple[str, str] | None = None,
) -> list[FieldError]:
    """The regelmotor's limits on a save, with Danish messages. ``provider`` is (CVR, title).

    Without a section (not chosen yet) the section rules wait for the grant."""
    errors = []
    if service is not None and section_key:
        if activity_type == MAIN and not allowed_as_main(service, section_key):
            errors.append(
                FieldError(
                    "service",
                    f"Ydelsen »{service.title}« kan ikke bevilges som hovedydelse efter "
                    f"{section_key}.",
                )
            )
        if activity_type == SUPPLEMENTARY:
            if not allowed_as_supplementary(service, section_key):
                errors.append(
                    FieldError(
                        "service",
                        f"Ydelsen »{service.title}« kan ikke bevilges som følgeydelse efter "
                        f"{section_key}.",
                    )
                )
            if main_service is not None and not allowed_after_main(
                service, main_service.service_id
            ):
                errors.append(
                    FieldError(
                        "service",
                        f"Ydelsen »{service.title}« kan ikke følge hovedydelsen "
                        f"»{main_service.title}«.",
                    )
                )
    if service is not None and provider is not None and not provider_allowed(service, provider[0]):
        errors.append(
            FieldError(
                "service_provider",
                f"Leverandøren »{provider[1]}« er ikke en af ydelsens foretrukne "
                "leverandører, og kun dem kan vælges.",
            )
        )
    return errors


class CatalogueRules(Protocol):
    """Which services the catalogue allows under a section (what the grant planner asks)."""

    def allowed_as_main(self, section_key: str, service_id: str) -> bool: ...

    def allowed_as_supplementary(
        self, section_key: str, service_id: str, main_service_id: str
    ) -> bool: ...


class ServiceCatalogue:
    """:class:`CatalogueRules` over services looked up by id (``lookup`` returns a
    :class:`ServiceEntry` or None; each id is looked up once)."""

    def __init__(self, lookup: Callable[[str], ServiceEntry | None]):
        self._lookup = lookup
        self._entries: dict[str, ServiceEntry | None] = {}

    def entry(self, service_id: str) -> ServiceEntry | None:
        if service_id not in self._entries:
            self._entries[service_id] = self._lookup(service_id)
        return self._entries[service_id]

    def allowed_as_main(self, section_key: str, service_id: str) -> bool:
        service = self.entry(service_id)
        return service is not None and allowed_as_main(service, section_key)

    def allowed_as_supplementary(
        self, section_key: str, service_id: str, main_service_id: str
    ) -> bool:
        service = self.entry(service_id)
        return service is not None and allowed_as_supplementary(
            service, section_key, main_service_id
        )


@dataclass(frozen=True)
class SimpleCatalogueRules:
    """:class:`CatalogueRules` from plain mappings (tests, imports).

    * ``main_sections``: service id -> section keys where it may be a main activity;
    * ``supplementary_sections``: service id -> section keys where it may be supplementary;
    * ``supplementary_mains``: service id -> main service ids it may follow.
    """

    main_sections: Mapping[str, Iterable[str]] = field(default_factory=dict)
    supplementary_sections: Mapping[str, Iterable[str]] = field(default_factory=dict)
    supplementary_mains: Mapping[str, Iterable[str]] = field(default_factory=dict)

    def _entry(self, service_id: str) -> ServiceEntry:
        return ServiceEntry(
            service_id=service_id,
            main_sections=frozenset(self.main_sections.get(service_id, ())),
            supplementary_sections=frozenset(self.supplementary_sections.get(service_id, ())),
            follows=frozenset(self.supplementary_mains.get(service_id, ())),
        )

    def allowed_as_main(self, section_key: str, service_id: str) -> bool:
        return allowed_as_main(self._entry(service_id), section_key)

    def allowed_as_supplementary(
        self, section_key: str, service_id: str, main_service_id: str
    ) -> bool:
        return allowed_as_supplementary(self._entry(service_id), section_key, main_service_id)


# --------------------------------------------------------------------------- the appropriation


@dataclass(frozen=True)
class Placement:
    """An activity on its appropriation, as the structure rules see it.

    ``uid`` is None for an activity not saved yet; ``service`` is whatever identifies the
    service consistently on both sides of a comparison (UID or id)."""

    uid: str | None
    activity_type: str | None
    service: str | None = None
    status: str = "draft"
    modifies: str | None = None


def is_root_main(activity: Any) -> bool:
    """The appropriation's main activity: a main activity that adjusts no other."""
    return getattr(activity, "activity_type", None) == MAIN and not getattr(
        activity, "modifies", None
    )


def main_errors(own: Placement, others: Iterable[Placement]) -> list[FieldError]:
    """One main activity per appropriation (an expected adjustment of it aside)."""
    if is_root_main(own) and any(is_root_main(other) for other in others):
        return [FieldError("activity_type", MSG_ONE_MAIN)]
    return []


def adjustment_problems(
    adjustment: Any,
    original: Any,
    modifier_count: int,
    start: date | None,
    today: date,
    original_one_time: bool = False,
) -> list[str]:
    """What is wrong with an expected adjustment of ``original`` (rule keys, in order).

    Both take ``activity_type``, ``status``, and a service (``service`` or ``service_id``);
    ``modifier_count`` is how many activities adjust ``original``; ``start`` is the
    adjustment's start (payment date for one-time plans) or None when it is not to be judged.
    A one-time original needs no start. The past rule: the start may not lie before today.
    """
    problems = []
    if getattr(original, "status", None) != GRANTED:
        problems.append(NOT_GRANTED)
    if modifier_count > 1:
        problems.append(SEVERAL)
    if _service_of(original) != _service_of(adjustment):
        problems.append(OTHER_SERVICE)
    if getattr(original, "activity_type", None) != getattr(adjustment, "activity_type", None):
        problems.append(OTHER_TYPE)
    if start is None:
        if not original_one_time:
            problems.append(NO_START)
    elif start < today:
        problems.append(IN_THE_PAST)
    return problems


def _service_of(activity: Any) -> str | None:
    service = getattr(activity, "service", None)
    return service if service is not None else getattr(activity, "service_id", None)


#: The order a save reports them in (the field's own rules first, then the chain).
_SAVE_ORDER = (NOT_GRANTED, OTHER_SERVICE, OTHER_TYPE, SEVERAL)

_ADJUSTMENT_FIELD_MESSAGES = {
    NOT_GRANTED: ("modifies", MSG_ADJUST_NOT_GRANTED),
    SEVERAL: ("modifies", MSG_ADJUST_ONE),
    OTHER_SERVICE: ("service", MSG_ADJUST_SAME_SERVICE),
    OTHER_TYPE: ("activity_type", MSG_ADJUST_SAME_TYPE),
}


def adjustment_errors(
    own: Placement,
    others: Sequence[Placement],
    start_field: str,
    start: date | None,
    saved_start: date | None,
    today: date,
) -> list[FieldError]:
    """An expected adjustment being saved must adjust a granted activity of the same
    appropriation, the same service and kind, once, and start today or later (a start already
    saved is not judged again). A granted adjustment is not an expected one any more."""
    if not own.modifies or own.status == GRANTED:
        return []
    original = next((other for other in others if other.uid == own.modifies), None)
    if original is None:
        return [FieldError("modifies", MSG_NOTHING_TO_ADJUST)]
    # The one being saved counts as a modifier of the original too.
    count = 1 + sum(1 for other in others if other.modifies == own.modifies)
    judged = start if start is not None and start != saved_start else None
    problems = adjustment_problems(own, original, count, judged, today, original_one_time=True)
    errors = [
        FieldError(*_ADJUSTMENT_FIELD_MESSAGES[problem])
        for problem in _SAVE_ORDER
        if problem in problems and problem in _ADJUSTMENT_FIELD_MESSAGES
    ]
    if IN_THE_PAST in problems:
        errors.append(FieldError(start_field, MSG_ADJUST_PAST))
    return errors


# --------------------------------------------------------------------------- granted activities


def comparable(value: Any) -> Any:
    """Empty values compare equal (None, "", [], an unset flag); rows as plain dicts."""
    if value is False or value in (None, "", [], ()):
        return None
    if isinstance(value, (list, tuple)):
        return [dict(row) if isinstance(row, Mapping) else row for row in value]
    return value


def granted_change_errors(
    stored: Mapping[str, Any], changed: Mapping[str, Any], fields: Iterable[str] = ACTIVITY_FIELDS
) -> list[FieldError]:
    """A granted activity changes only its note and, earlier, its end date: every other field
    whose value after the change (``changed``) differs from the stored one is refused.

    The edit form and REST PATCH both ask this with the stored values and the values after the
    change (a field missing from ``changed`` is unchanged)."""
    return [
        FieldError(name, MSG_GRANTED_CHANGE)
        for name in fields
        if name not in GRANTED_CHANGEABLE
        and name in changed
        and comparable(changed[name]) != comparable(stored.get(name))
        and not (name == "end_date" and ends_earlier(stored.get(name), changed[name]))
    ]


def ends_earlier(stored_end: date | None, new_end: date | None) -> bool:
    """Ending a measure early: a set end date before the decided one (or on an open one)."""
    return new_end is not None and (stored_end is None or new_end < stored_end)


def section_change_errors(
    stored_section: str | None, new_section: str | None, statuses: Iterable[str]
) -> list[FieldError]:
    """What was granted or submitted was decided under the appropriation's section: once one of
    its activities is granted or expected, the section stays."""
    if comparable(stored_section) == comparable(new_section):
        return []
    if any(status in (GRANTED, "expected") for status in statuses):
        return [FieldError("section", MSG_SECTION_DECIDED)]
    return []


def plan_fields_in_use(payment_type, cost_type=None, frequency=None):
    """The payment plan fields a plan of this type, cost type and frequency uses (the forms
    show only these); every other plan field must stay empty, as engine.validation checks.

    An individual plan is its hand-entered payments; the others have a cost type and, by cost
    type, an amount (fixed), units and prices (per unit) or units and a central rate (rate); a
    running plan has a frequency, and a monthly one its day of the month; a one-time plan its
    payment date."""
    fields = {"payment_type"}
    if payment_type in (None, ""):
        return frozenset(fields)
    if payment_type == PaymentType.INDIVIDUAL:
        return frozenset(fields | {"individual_payments"})
    fields.add("payment_cost_type")
    if payment_type == PaymentType.RUNNING:
        fields.add("payment_frequency")
        if frequency == Frequency.MONTHLY:
            fields.add("payment_day_of_month")
    elif payment_type == PaymentType.ONE_TIME:
        fields.add("payment_date")
    fields.update(
        {
            CostType.FIXED: ("payment_amount",),
            CostType.PER_UNIT: ("payment_units", "payment_prices"),
            CostType.RATE: ("payment_units", "payment_rate"),
        }.get(cost_type, ())
    )
    return frozenset(fields)
