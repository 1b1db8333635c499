"""Tests for the grant planner (engine/grant.py)."""

from dataclasses import replace
from datetime import date

from os2bos_plone.engine.grant import ActivitySnapshot
from os2bos_plone.engine.grant import AdjustmentMerge
from os2bos_plone.engine.grant import AppropriationSnapshot
from os2bos_plone.engine.grant import SimpleCatalogueRules
from os2bos_plone.engine.grant import plan_grant

TODAY = date(2025, 6, 2)
SECTION = "BL-43-1.6"
PLACEMENT = "015031"  # main: opholdssted
TRANSPORT = "015144"  # supplementary: kørsel
POCKET_MONEY = "015300"  # supplementary, but not allowed after PLACEMENT

RULES = SimpleCatalogueRules(
    main_sections={PLACEMENT: {SECTION}},
    supplementary_sections={TRANSPORT: {SECTION}, POCKET_MONEY: {SECTION}},
    supplementary_mains={TRANSPORT: {PLACEMENT}, POCKET_MONEY: {"015011"}},
)


def main(uid="m", **changes):
    base = ActivitySnapshot(
        uid=uid,
        activity_type="main",
        status="draft",
        service_id=PLACEMENT,
        start_date=date(2025, 7, 1),
        end_date=date(2025, 12, 31),
        payment_type="running",
        recipient_type="company",
        recipient_name="Opholdsstedet ApS",
        has_service_provider=True,
        title="Opholdssted",
    )
    return replace(base, **changes)


def suppl(uid="s", **changes):
    base = ActivitySnapshot(
        uid=uid,
        activity_type="supplementary",
        status="draft",
        service_id=TRANSPORT,
        start_date=date(2025, 7, 1),
        end_date=None,
        payment_type="running",
        recipient_type="person",
        recipient_name="Mor Jensen",
        title="Kørsel",
    )
    return replace(base, **changes)


def plan(activities, selected, section=SECTION, today=TODAY, rules=RULES):
    return plan_grant(AppropriationSnapshot(section, list(activities)), selected, rules, today)


# -- the happy path ---------------------------------------------------------------------------


def test_grant_draft_main_and_supplementary():
    result = plan([main(), suppl()], ["m", "s"])
    assert result.errors == []
    assert result.ok is True
    assert result.granted == ["m", "s"]
    assert result.pulled_in == []
    assert result.end_date_changes == {"s": date(2025, 12, 31)}
    assert result.merges == []
    assert result.deleted == []


def test_duplicate_selection_is_granted_once():
    result = plan([main()], ["m", "m"])
    assert result.errors == []
    assert result.granted == ["m"]


def test_main_alone_leaves_draft_supplementary_alone():
    result = plan([main(), suppl()], ["m"])
    assert result.errors == []
    assert result.granted == ["m"]
    assert result.end_date_changes == {}


# -- appropriation-level checks ---------------------------------------------------------------


def test_nothing_selected():
    result = plan([main()], [])
    assert result.errors == ["Vælg mindst én ydelse, der skal bevilges."]
    assert result.ok is False
    assert result.granted == []


def test_activity_from_another_appropriation():
    result = plan([main()], ["m", "elsewhere"])
    assert result.errors == ["Du kan kun bevilge ydelser på samme bevilling"]
    assert result.granted == ["m"]


def test_no_main_activity():
    result = plan([suppl()], ["s"])
    assert result.errors == [
        "Bevillingen har ingen hovedydelse; opret hovedydelsen, før der bevilges.",
        "Følgeydelser kan først bevilges, når hovedydelsen er bevilget.",
    ]


def test_more_than_one_main_activity():
    result = plan([main("m1"), main("m2")], ["m1"])
    assert result.errors == [
        "Bevillingen har allerede en hovedydelse; der kan kun være én hovedydelse"
    ]


def test_no_section():
    for section in (None, "", "  "):
        result = plan([main(), suppl()], ["m", "s"], section=section)
        assert result.errors == ["Vælg en paragraf for bevillingen, før der bevilges."]


def test_main_service_not_allowed_under_section():
    result = plan([main()], ["m"], section="BL-32-1.3")
    assert result.errors == [
        "Hovedydelsen »Opholdssted« kan ikke bevilges efter paragraf BL-32-1.3."
    ]


def test_supplementary_not_allowed_under_section():
    rules = SimpleCatalogueRules(
        main_sections={PLACEMENT: {SECTION}},
        supplementary_sections={TRANSPORT: {"BL-32-1.3"}},
        supplementary_mains={TRANSPORT: {PLACEMENT}},
    )
    result = plan([main(), suppl()], ["m", "s"], rules=rules)
    assert result.errors == [
        "Følgeydelsen »Kørsel« kan ikke bevilges efter paragraf BL-43-1.6 "
        "sammen med hovedydelsen »Opholdssted«."
    ]


def test_supplementary_not_allowed_with_main_service():
    pocket = suppl("p", service_id=POCKET_MONEY, title="Lommepenge")
    result = plan([main(), pocket], ["m", "p"])
    assert result.errors == [
        "Følgeydelsen »Lommepenge« kan ikke bevilges efter paragraf BL-43-1.6 "
        "sammen med hovedydelsen »Opholdssted«."
    ]


def test_message_names_service_id_when_title_is_missing():
    result = plan([main(title="")], ["m"], section="BL-1")
    assert result.errors == ["Hovedydelsen »015031« kan ikke bevilges efter paragraf BL-1."]


# -- supplementary activities and the main activity -------------------------------------------


def test_supplementary_before_main_is_granted():
    result = plan([main(), suppl()], ["s"])
    assert result.errors == ["Følgeydelser kan først bevilges, når hovedydelsen er bevilget."]


def test_supplementary_after_main_is_granted_is_capped_to_main_end():
    result = plan([main(status="granted"), suppl(end_date=date(2026, 3, 31))], ["s"])
    assert result.errors == []
    assert result.granted == ["s"]
    assert result.pulled_in == []
    assert result.end_date_changes == {"s": date(2025, 12, 31)}


def test_supplementary_within_main_period_is_not_capped():
    result = plan([main(status="granted"), suppl(end_date=date(2025, 12, 31))], ["s"])
    assert result.errors == []
    assert result.end_date_changes == {}


def test_open_ended_granted_main_caps_nothing():
    result = plan([main(status="granted", end_date=None), suppl()], ["s"])
    assert result.errors == []
    assert result.end_date_changes == {}


def test_cap_uses_latest_end_in_the_granted_main_chain():
    activities = [
        main("m1", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 5, 31)),
        main(
            "m2",
            status="granted",
            modifies="m1",
            start_date=date(2025, 6, 1),
            end_date=date(2026, 5, 31),
        ),
        suppl(),
    ]
    result = plan(activities, ["s"])
    assert result.errors == []
    assert result.end_date_changes == {"s": date(2026, 5, 31)}


def test_one_time_supplementary_is_never_capped():
    one_time = suppl(
        "o",
        payment_type="one_time",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 2, 1),
        payment_date=date(2025, 9, 1),
    )
    result = plan([main(status="granted"), one_time], ["o"])
    assert result.errors == []
    assert result.end_date_changes == {}


def test_supplementary_starting_after_main_end():
    late = suppl("late", start_date=date(2026, 1, 1))
    result = plan([main(), late], ["m", "late"])
    assert result.errors == [
        "Følgeydelsen »Kørsel« starter 1. januar 2026, efter hovedydelsens slutdato "
        "31. december 2025."
    ]
    assert "late" not in result.end_date_changes


def test_supplementary_starting_on_main_end_is_fine():
    result = plan([main(), suppl(start_date=date(2025, 12, 31))], ["m", "s"])
    assert result.errors == []
    assert result.end_date_changes == {"s": date(2025, 12, 31)}


def test_one_time_supplementary_paid_after_main_end():
    late = suppl("late", payment_type="one_time", start_date=None, payment_date=date(2026, 1, 5))
    result = plan([main(status="granted"), late], ["late"])
    assert result.errors == [
        "Følgeydelsen »Kørsel« starter 5. januar 2026, efter hovedydelsens slutdato "
        "31. december 2025."
    ]


# -- re-granting supplementary activities with their main activity ------------------------------


def test_granted_supplementary_is_re_granted_and_capped_with_main():
    activities = [
        main("m1", status="granted", start_date=date(2025, 1, 1), end_date=None),
        main("m2", status="expected", modifies="m1", start_date=date(2025, 7, 1)),
        suppl("s1", status="granted", start_date=date(2025, 1, 1), end_date=None),
        suppl("s2", status="draft"),
    ]
    result = plan(activities, ["m2"])
    assert result.errors == []
    assert result.granted == ["m2", "s1"]
    assert result.pulled_in == ["s1"]
    assert result.end_date_changes == {"s1": date(2025, 12, 31)}


def test_supplementary_with_own_adjustment_in_batch_is_not_pulled_in():
    activities = [
        main("m1", status="granted", start_date=date(2025, 1, 1), end_date=None),
        main("m2", status="expected", modifies="m1", start_date=date(2025, 7, 1)),
        suppl("s1", status="granted", start_date=date(2025, 1, 1), end_date=None),
        suppl("s2", status="expected", modifies="s1", start_date=date(2025, 8, 1), end_date=None),
    ]
    result = plan(activities, ["m2", "s2"])
    assert result.errors == []
    assert result.granted == ["m2", "s2"]
    assert result.pulled_in == []
    # s2 is capped to the new main end; s1 is ended by the merge, not by a cap.
    assert result.end_date_changes == {"s2": date(2025, 12, 31)}
    s_merge = [m for m in result.merges if m.adjustment == "s2"][0]
    assert s_merge.set_dates == {"end_date": date(2025, 7, 31)}


def test_superseded_supplementary_is_not_pulled_in():
    activities = [
        main(status="granted"),
        suppl("s1", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 6, 30)),
        suppl("s2", status="granted", modifies="s1", start_date=date(2025, 7, 1), end_date=None),
    ]
    result = plan(activities, ["m"])
    assert result.errors == []
    assert result.granted == ["m", "s2"]
    assert result.pulled_in == ["s2"]
    assert result.end_date_changes == {"s2": date(2025, 12, 31)}


def test_pulled_in_activities_are_checked_too():
    activities = [
        main(status="granted"),
        suppl("s1", status="granted", recipient_name=""),
    ]
    result = plan(activities, ["m"])
    assert result.errors == ["Ydelsen »Kørsel« har ingen betalingsmodtager."]


# -- per-activity checks ----------------------------------------------------------------------


def test_individual_plan_without_payments():
    activities = [main(payment_type="individual", individual_payment_count=0)]
    result = plan(activities, ["m"])
    assert result.errors == [
        "Ydelsen »Opholdssted« har en individuel betalingsplan uden betalinger."
    ]


def test_individual_plan_with_payments():
    result = plan([main(payment_type="INDIVIDUAL_PAYMENT", individual_payment_count=3)], ["m"])
    assert result.errors == []


def test_missing_recipient_name():
    result = plan([main(recipient_name="   ")], ["m"])
    assert result.errors == ["Ydelsen »Opholdssted« har ingen betalingsmodtager."]


def test_company_recipient_without_service_provider():
    result = plan([main(has_service_provider=False)], ["m"])
    assert result.errors == [
        "Ydelsen »Opholdssted« betales til et firma, men har ingen leverandør tilknyttet."
    ]


def test_person_recipient_needs_no_service_provider():
    result = plan([main(recipient_type="person", has_service_provider=False)], ["m"])
    assert result.errors == []


def test_every_broken_rule_is_reported():
    activities = [
        main(has_service_provider=False, recipient_name=""),
        suppl(service_id=POCKET_MONEY, title="Lommepenge", start_date=date(2026, 2, 1)),
    ]
    result = plan(activities, ["m", "s", "other"])
    assert result.errors == [
        "Du kan kun bevilge ydelser på samme bevilling",
        "Følgeydelsen »Lommepenge« kan ikke bevilges efter paragraf BL-43-1.6 "
        "sammen med hovedydelsen »Opholdssted«.",
        "Følgeydelsen »Lommepenge« starter 1. februar 2026, efter hovedydelsens slutdato "
        "31. december 2025.",
        "Ydelsen »Opholdssted« har ingen betalingsmodtager.",
        "Ydelsen »Opholdssted« betales til et firma, men har ingen leverandør tilknyttet.",
    ]


# -- expected adjustments: checks -------------------------------------------------------------


def granted_main(**changes):
    return main("m1", status="granted", start_date=date(2025, 1, 1), end_date=None, **changes)


def adjustment(uid="m2", modifies="m1", **changes):
    changes.setdefault("start_date", date(2025, 7, 1))
    return main(uid, status="expected", modifies=modifies, **changes)


def test_adjustment_without_original():
    result = plan([granted_main(), adjustment(modifies="gone")], ["m2"])
    assert result.errors == ["Den forventede justering »Opholdssted« har ingen ydelse at justere."]
    assert result.merges == []


def test_expected_activity_without_modifies():
    # A lone expected main activity: it is the root main, but has nothing to adjust.
    result = plan([main(status="expected")], ["m"])
    assert result.errors == ["Den forventede justering »Opholdssted« har ingen ydelse at justere."]


def test_adjustment_of_another_service():
    result = plan(
        [granted_main(), adjustment(service_id="015019", title="Efterskole")],
        ["m2"],
        rules=RULES,
    )
    assert result.errors == [
        "Den forventede justering »Efterskole« skal være samme ydelse som »Opholdssted«, "
        "den justerer."
    ]
    assert result.merges == []


def test_adjustment_of_another_activity_type():
    activities = [
        granted_main(),
        suppl("s1", status="granted", start_date=date(2025, 1, 1)),
        suppl("s2", status="expected", modifies="s1", activity_type="main", title="Kørsel 2"),
    ]
    result = plan(activities, ["s2"])
    assert result.errors == [
        "Den forventede justering »Kørsel 2« skal være samme slags ydelse "
        "(hoved- eller følgeydelse) som »Kørsel«."
    ]


def test_adjustment_starting_in_the_past():
    result = plan([granted_main(), adjustment(start_date=date(2025, 6, 1))], ["m2"])
    assert result.errors == [
        "Den forventede justering »Opholdssted« starter 1. juni 2025; "
        "startdatoen må ikke ligge før i dag."
    ]
    assert result.merges == []


def test_adjustment_starting_today_is_allowed():
    result = plan([granted_main(), adjustment(start_date=TODAY)], ["m2"])
    assert result.errors == []
    assert len(result.merges) == 1


def test_adjustment_without_start_date():
    result = plan([granted_main(), adjustment(start_date=None)], ["m2"])
    assert result.errors == ["Den forventede justering »Opholdssted« mangler en startdato."]


def test_adjustment_of_an_activity_that_is_not_granted():
    activities = [main("m1", status="draft"), adjustment()]
    result = plan(activities, ["m2"])
    assert result.errors == [
        "Den forventede justering »Opholdssted« justerer ydelsen »Opholdssted«, "
        "som ikke er bevilget."
    ]


def test_two_adjustments_of_the_same_activity():
    activities = [granted_main(), adjustment("m2"), adjustment("m3")]
    result = plan(activities, ["m2"])
    assert result.errors == ["Ydelsen »Opholdssted« har mere end én forventet justering."]


def test_re_granting_a_granted_adjustment_merges_nothing():
    activities = [
        main("m1", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 3, 31)),
        main("m2", status="granted", modifies="m1", start_date=date(2025, 4, 1), end_date=None),
    ]
    result = plan(activities, ["m2"])
    assert result.errors == []
    assert result.merges == []
    assert result.granted == ["m2"]


# -- expected adjustments: merges -------------------------------------------------------------


def test_merge_truncates_the_original():
    activities = [granted_main(payment_type="running"), adjustment(end_date=date(2026, 6, 30))]
    result = plan(activities, ["m2"])
    assert result.errors == []
    assert result.granted == ["m2"]
    assert result.merges == [
        AdjustmentMerge(
            adjustment="m2",
            original="m1",
            kind="replace",
            modifies="m1",
            deleted=(),
            set_dates={"end_date": date(2025, 6, 30)},
            drop_all_payments=False,
            drop_payments_from=None,
            payment_id_from="m1",
        )
    ]
    assert result.deleted == []


def test_merge_leaves_an_original_that_already_ended():
    # Reviving an ended main activity: the original keeps its end date.
    activities = [
        main("m1", status="granted", start_date=date(2024, 1, 1), end_date=date(2025, 3, 31)),
        adjustment(start_date=date(2025, 9, 1), end_date=None),
    ]
    result = plan(activities, ["m2"])
    assert result.errors == []
    (merge,) = result.merges
    assert merge.modifies == "m1"
    assert merge.set_dates == {}
    assert merge.deleted == ()


def test_merge_original_ending_on_new_start_is_truncated():
    activities = [
        main("m1", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 7, 1)),
        adjustment(start_date=date(2025, 7, 1)),
    ]
    (merge,) = plan(activities, ["m2"]).merges
    assert merge.set_dates == {"end_date": date(2025, 6, 30)}


def test_merge_deletes_an_original_that_starts_later():
    activities = [
        main("m1", status="granted", start_date=date(2025, 8, 1), end_date=None),
        adjustment(start_date=date(2025, 7, 1), end_date=date(2026, 6, 30)),
    ]
    result = plan(activities, ["m2"])
    assert result.errors == []
    (merge,) = result.merges
    assert merge.kind == "replace"
    assert merge.deleted == ("m1",)
    assert merge.modifies is None
    assert merge.set_dates == {}
    assert merge.payment_id_from == "m1"
    assert result.deleted == ["m1"]
    assert result.granted == ["m2"]


def test_merge_deletes_an_original_that_starts_the_same_day():
    activities = [
        main("m1", status="granted", start_date=date(2025, 7, 1), end_date=None),
        adjustment(start_date=date(2025, 7, 1)),
    ]
    (merge,) = plan(activities, ["m2"]).merges
    assert merge.deleted == ("m1",)
    assert merge.modifies is None


def test_merge_walks_the_chain_to_the_predecessor():
    activities = [
        main("a", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 6, 30)),
        main("b", status="granted", modifies="a", start_date=date(2025, 7, 1), end_date=None),
        main("c", status="expected", modifies="b", start_date=date(2025, 7, 1), end_date=None),
    ]
    result = plan(activities, ["c"])
    assert result.errors == []
    (merge,) = result.merges
    assert merge.original == "b"
    assert merge.deleted == ("b",)
    assert merge.modifies == "a"
    assert merge.set_dates == {}  # a already ends 30 June, before the new start
    assert merge.payment_id_from == "b"
    assert result.deleted == ["b"]


def test_merge_walk_truncates_the_predecessor():
    activities = [
        main("a", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 8, 31)),
        main("b", status="granted", modifies="a", start_date=date(2025, 9, 1), end_date=None),
        main("c", status="expected", modifies="b", start_date=date(2025, 7, 15), end_date=None),
    ]
    (merge,) = plan(activities, ["c"]).merges
    assert merge.deleted == ("b",)
    assert merge.modifies == "a"
    assert merge.set_dates == {"end_date": date(2025, 7, 14)}


def test_merge_walk_deletes_the_whole_chain():
    activities = [
        main("a", status="granted", start_date=date(2025, 6, 10), end_date=date(2025, 6, 19)),
        main("b", status="granted", modifies="a", start_date=date(2025, 6, 20), end_date=None),
        main("c", status="expected", modifies="b", start_date=date(2025, 6, 5), end_date=None),
    ]
    result = plan(activities, ["c"])
    assert result.errors == []
    (merge,) = result.merges
    assert merge.deleted == ("b", "a")
    assert merge.modifies is None
    assert result.deleted == ["b", "a"]
    assert result.granted == ["c"]


def test_selected_activity_deleted_by_a_merge_is_not_granted():
    activities = [
        main("m1", status="granted", start_date=date(2025, 8, 1), end_date=None),
        adjustment(start_date=date(2025, 7, 1)),
    ]
    result = plan(activities, ["m1", "m2"])
    assert result.errors == []
    assert result.granted == ["m2"]
    assert result.deleted == ["m1"]


def test_merge_of_individual_original_drops_later_payments():
    activities = [
        granted_main(),
        suppl(
            "s1",
            status="granted",
            payment_type="individual",
            individual_payment_count=4,
            start_date=date(2025, 1, 1),
            end_date=None,
        ),
        suppl(
            "s2",
            status="expected",
            modifies="s1",
            payment_type="individual",
            individual_payment_count=2,
            start_date=date(2025, 9, 1),
            end_date=date(2025, 12, 31),
        ),
    ]
    result = plan(activities, ["s2"])
    assert result.errors == []
    assert result.merges == [
        AdjustmentMerge(
            adjustment="s2",
            original="s1",
            kind="replace",
            modifies="s1",
            deleted=(),
            set_dates={"end_date": date(2025, 8, 31)},
            drop_all_payments=False,
            drop_payments_from=date(2025, 9, 1),
            payment_id_from="s1",
        )
    ]


def test_merge_of_one_time_original():
    activities = [
        granted_main(),
        suppl(
            "s1",
            status="granted",
            payment_type="one_time",
            start_date=date(2025, 3, 1),
            end_date=date(2025, 3, 1),
            payment_date=date(2025, 3, 1),
        ),
        suppl(
            "s2",
            status="expected",
            modifies="s1",
            payment_type="one_time",
            start_date=date(2025, 9, 15),
            end_date=date(2025, 9, 15),
            payment_date=date(2025, 9, 15),
        ),
    ]
    result = plan(activities, ["s2"])
    assert result.errors == []
    assert result.merges == [
        AdjustmentMerge(
            adjustment="s2",
            original="s1",
            kind="one_time",
            modifies="s1",
            deleted=(),
            set_dates={
                "start_date": date(2025, 9, 15),
                "end_date": date(2025, 9, 15),
                "payment_date": date(2025, 9, 15),
            },
            drop_all_payments=True,
            drop_payments_from=None,
            payment_id_from="s1",
        )
    ]
    assert result.deleted == []
    assert result.granted == ["s2"]
    assert result.end_date_changes == {}


def test_one_time_adjustment_without_start_uses_payment_date_for_past_check():
    activities = [
        granted_main(),
        suppl("s1", status="granted", payment_type="one_time", payment_date=date(2025, 3, 1)),
        suppl(
            "s2",
            status="expected",
            modifies="s1",
            payment_type="one_time",
            start_date=None,
            end_date=None,
            payment_date=date(2025, 5, 1),
        ),
    ]
    result = plan(activities, ["s2"])
    assert result.errors == [
        "Den forventede justering »Kørsel« starter 1. maj 2025; "
        "startdatoen må ikke ligge før i dag."
    ]


def test_main_adjustment_sets_the_cap_for_supplementary_activities():
    activities = [
        main("m1", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)),
        adjustment(start_date=date(2025, 7, 1), end_date=date(2025, 9, 30)),
        suppl("s1", status="granted", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)),
        suppl("s2", status="granted", start_date=date(2025, 10, 1), end_date=None, title="Sen"),
    ]
    result = plan(activities, ["m2"])
    assert result.errors == [
        "Følgeydelsen »Sen« starter 1. oktober 2025, efter hovedydelsens slutdato "
        "30. september 2025."
    ]
    assert result.end_date_changes == {"s1": date(2025, 9, 30)}
    assert result.granted == ["m2", "s1", "s2"]
