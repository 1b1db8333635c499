"""engine.activity_rules: each rule that used to be written more than once, on plain values."""

from datetime import date

import pytest

from os2bos_plone.engine import activity_rules as rules
from os2bos_plone.engine.activity_rules import Placement
from os2bos_plone.engine.activity_rules import ServiceEntry
from os2bos_plone.engine.validation import ActivityInput
from os2bos_plone.engine.validation import FieldError
from os2bos_plone.engine.validation import validate_activity

TODAY = date(2026, 12, 2)

TREATMENT = ServiceEntry.from_rows(
    "100206",
    "Familiebehandling",
    sections=[
        {"section": "BL-32-1.5", "main": True, "supplementary": False},
        {"section": "BL-52-3.3", "main": False, "supplementary": True},
    ],
    preferred_providers=["94789311"],
)
LEISURE = ServiceEntry.from_rows(
    "100108",
    "Fritidsaktiviteter",
    sections=[{"section": "BL-32-1.5", "supplementary": True}],
    follows=["100206"],
    preferred_providers=["94789311"],
    only_preferred=True,
)


def test_which_services_a_section_allows():
    assert rules.allowed_as_main(TREATMENT, "BL-32-1.5")
    assert not rules.allowed_as_main(TREATMENT, "BL-52-3.3")
    assert not rules.allowed_as_main(LEISURE, "BL-32-1.5")
    assert rules.allowed_as_supplementary(LEISURE, "BL-32-1.5", "100206")
    assert rules.allowed_as_supplementary(LEISURE, "BL-32-1.5", None), "no main activity yet"
    assert not rules.allowed_as_supplementary(LEISURE, "BL-32-1.5", "100101")
    assert not rules.allowed_as_supplementary(LEISURE, "BL-52-3.3", "100206")


def test_catalogue_errors_of_a_save():
    assert rules.catalogue_errors("main", TREATMENT, "BL-32-1.5") == []
    assert rules.catalogue_errors("main", LEISURE, "BL-32-1.5") == [
        FieldError(
            "service",
            "Ydelsen »Fritidsaktiviteter« kan ikke bevilges som hovedydelse efter BL-32-1.5.",
        )
    ]
    other_main = ServiceEntry("100101", "Konsulentbistand")
    assert rules.catalogue_errors("supplementary", LEISURE, "BL-32-1.5", other_main) == [
        FieldError(
            "service",
            "Ydelsen »Fritidsaktiviteter« kan ikke følge hovedydelsen »Konsulentbistand«.",
        )
    ]
    assert rules.catalogue_errors("supplementary", TREATMENT, "BL-32-1.5") == [
        FieldError(
            "service",
            "Ydelsen »Familiebehandling« kan ikke bevilges som følgeydelse efter BL-32-1.5.",
        )
    ]
    # Without a section the section rules wait for the grant; the provider rule does not.
    assert rules.catalogue_errors("main", LEISURE, None) == []
    assert rules.catalogue_errors("supplementary", LEISURE, None, provider=("1", "Anden")) == [
        FieldError(
            "service_provider",
            "Leverandøren »Anden« er ikke en af ydelsens foretrukne leverandører, og kun dem kan "
            "vælges.",
        )
    ]
    assert rules.catalogue_errors("main", TREATMENT, None, provider=("1", "Anden")) == []


def test_grant_planner_catalogues_ask_the_same_rules():
    catalogue = rules.ServiceCatalogue({"100206": TREATMENT, "100108": LEISURE}.get)
    simple = rules.SimpleCatalogueRules(
        main_sections={"100206": ["BL-32-1.5"]},
        supplementary_sections={"100108": ["BL-32-1.5"]},
        supplementary_mains={"100108": ["100206"]},
    )
    for rules_ in (catalogue, simple):
        assert rules_.allowed_as_main("BL-32-1.5", "100206")
        assert not rules_.allowed_as_main("BL-32-1.5", "100108")
        assert rules_.allowed_as_supplementary("BL-32-1.5", "100108", "100206")
        assert not rules_.allowed_as_supplementary("BL-32-1.5", "100108", "100101")
    assert not catalogue.allowed_as_main("BL-32-1.5", "999999"), "an unknown service"


def test_one_main_activity_per_appropriation():
    main = Placement("m", "main", "s")
    adjustment = Placement("a", "main", "s", modifies="m")
    new_main = Placement(None, "main", "s")
    assert rules.main_errors(new_main, [main]) == [FieldError("activity_type", rules.MSG_ONE_MAIN)]
    assert rules.main_errors(new_main, [adjustment]) == []
    assert rules.main_errors(Placement(None, "main", "s", modifies="m"), [main]) == []
    assert rules.main_errors(Placement(None, "supplementary", "t"), [main]) == []


def _adjust(own, others, start=date(2027, 1, 1), saved=None):
    return rules.adjustment_errors(own, others, "start_date", start, saved, TODAY)


def test_adjustment_rules():
    original = Placement("o", "main", "s", status="granted")
    own = Placement(None, "main", "s", modifies="o")
    assert _adjust(own, [original]) == []
    assert _adjust(Placement(None, "main", "s", modifies="x"), [original]) == [
        FieldError("modifies", rules.MSG_NOTHING_TO_ADJUST)
    ]
    draft = Placement("o", "main", "s", status="draft")
    assert _adjust(own, [draft]) == [FieldError("modifies", rules.MSG_ADJUST_NOT_GRANTED)]
    assert _adjust(Placement(None, "supplementary", "t", modifies="o"), [original]) == [
        FieldError("service", rules.MSG_ADJUST_SAME_SERVICE),
        FieldError("activity_type", rules.MSG_ADJUST_SAME_TYPE),
    ]
    second = Placement("a", "main", "s", status="expected", modifies="o")
    assert _adjust(own, [original, second]) == [FieldError("modifies", rules.MSG_ADJUST_ONE)]
    assert _adjust(own, [original], start=date(2026, 12, 1)) == [
        FieldError("start_date", rules.MSG_ADJUST_PAST)
    ]
    # A start already saved is not judged again; a granted adjustment is not an expected one.
    saved = date(2026, 12, 1)
    assert _adjust(Placement("e", "main", "s", modifies="o"), [original], saved, saved) == []
    granted = Placement("e", "main", "s", status="granted", modifies="o")
    assert _adjust(granted, [draft], date(2020, 1, 1)) == []


def test_adjustment_problems_are_what_the_grant_words():
    original = Placement("o", "main", "s", status="granted")
    assert rules.adjustment_problems(Placement("a", "main", "s"), original, 1, TODAY, TODAY) == []
    assert rules.adjustment_problems(
        Placement("a", "supplementary", "t"), Placement("o", "main", "s"), 2, None, TODAY
    ) == [rules.NOT_GRANTED, rules.SEVERAL, rules.OTHER_SERVICE, rules.OTHER_TYPE, rules.NO_START]
    assert (
        rules.adjustment_problems(
            Placement("a", "main", "s"), original, 1, None, TODAY, original_one_time=True
        )
        == []
    )
    assert rules.adjustment_problems(
        Placement("a", "main", "s"), original, 1, date(2026, 12, 1), TODAY
    ) == [rules.IN_THE_PAST]


def test_what_may_change_on_a_granted_activity():
    stored = {
        "start_date": date(2027, 1, 1),
        "end_date": date(2027, 12, 31),
        "payment_amount": "1000.00",
        "note": None,
        "payment_prices": [],
        "fictive": False,
    }
    allowed = {"end_date": date(2027, 6, 30), "note": "Aftalt"}
    assert rules.granted_change_errors(stored, {**stored, **allowed}) == []
    # A longer or open-ended measure, another recipient or provider: a new decision.
    for change in (
        {"end_date": date(2028, 12, 31)},
        {"end_date": None},
        {"recipient_name": "Ny"},
        {"service_provider": "another-provider-uid"},
    ):
        (field,) = change
        assert rules.granted_change_errors(stored, {**stored, **change}) == [
            FieldError(field, rules.MSG_GRANTED_CHANGE)
        ], change
    # Empty values are the same; fields not sent are unchanged.
    assert rules.granted_change_errors(stored, {"payment_prices": None, "fictive": None}) == []
    assert rules.granted_change_errors(
        stored, {"payment_amount": "1200.00", "start_date": date(2027, 2, 1)}
    ) == [
        FieldError("start_date", rules.MSG_GRANTED_CHANGE),
        FieldError("payment_amount", rules.MSG_GRANTED_CHANGE),
    ]


# -- which plan fields a plan uses (the activity form shows only these) ------------------------

FILLED = {
    "payment_frequency": "weekly",
    "payment_day_of_month": 1,
    "payment_date": date(2027, 3, 1),
    "payment_amount": "100.00",
    "payment_units": "2",
    "payment_rate": "some-rate-uid",
    "payment_prices": [{"amount": "10.00", "valid_from": "2027-01-01"}],
}


@pytest.mark.parametrize(
    "payment_type,cost_type,frequency,expected",
    [
        ("", "", "", {"payment_type"}),
        ("individual", "fixed", "", {"payment_type", "individual_payments"}),
        (
            "running",
            "fixed",
            "monthly",
            {
                "payment_type",
                "payment_frequency",
                "payment_day_of_month",
                "payment_cost_type",
                "payment_amount",
            },
        ),
        (
            "running",
            "rate",
            "daily",
            {
                "payment_type",
                "payment_frequency",
                "payment_cost_type",
                "payment_units",
                "payment_rate",
            },
        ),
        (
            "one_time",
            "per_unit",
            "",
            {
                "payment_type",
                "payment_date",
                "payment_cost_type",
                "payment_units",
                "payment_prices",
            },
        ),
        ("one_time", "", "", {"payment_type", "payment_date", "payment_cost_type"}),
    ],
)
def test_plan_fields_in_use(payment_type, cost_type, frequency, expected):
    assert rules.plan_fields_in_use(payment_type, cost_type, frequency) == expected


@pytest.mark.parametrize("payment_type", ["running", "one_time", "individual"])
@pytest.mark.parametrize("cost_type", ["fixed", "per_unit", "rate"])
def test_a_field_not_in_use_is_one_validation_refuses(payment_type, cost_type):
    """The form hides exactly what the rules refuse to hold a value: each hidden field, filled
    alone on an otherwise empty plan of this kind, is an error at that field."""
    frequency = "monthly" if payment_type == "running" else None
    in_use = rules.plan_fields_in_use(payment_type, cost_type, frequency)
    assert in_use <= set(rules.PAYMENT_PLAN_FIELDS)
    for name, value in FILLED.items():
        if name in in_use or (name == "payment_frequency" and payment_type == "running"):
            continue
        fields = {
            "payment_type": payment_type,
            "payment_cost_type": None if payment_type == "individual" else cost_type,
            "payment_frequency": frequency,
            "start_date": date(2027, 1, 1),
            "end_date": date(2027, 12, 31),
            "today": date(2026, 6, 1),
        }
        data = ActivityInput(**{**fields, name: value})
        refused = {error.field for error in validate_activity(data)}
        assert name in refused, (payment_type, cost_type, name)
