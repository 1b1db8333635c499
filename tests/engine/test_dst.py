"""Danmarks Statistik's rules (engine/dst.py): which grants, "Ny"/"Ændring", consolidation of
grants of one SBSYS case file, a one-time main activity's dates, the file name."""

from datetime import date
from datetime import datetime

from os2bos_plone.engine.dst import CHANGE
from os2bos_plone.engine.dst import NEW
from os2bos_plone.engine.dst import SKIP_NO_CODE
from os2bos_plone.engine.dst import SKIP_NO_PARENT
from os2bos_plone.engine.dst import DstGrant
from os2bos_plone.engine.dst import file_name
from os2bos_plone.engine.dst import main_period
from os2bos_plone.engine.dst import period_of
from os2bos_plone.engine.dst import report_type
from os2bos_plone.engine.dst import sbsys_prefix
from os2bos_plone.engine.dst import select

CHILD = "0101181234"
MOTHER = "0202851234"
FROM, TO = date(2026, 6, 1), date(2026, 11, 30)


def grant(sbsys_id="27.24.36-G01-7-20-Far", appropriated=(date(2026, 7, 1),), **changes):
    values = {
        "sbsys_id": sbsys_id,
        "code": "123",
        "start": date(2026, 7, 1),
        "end": date(2026, 12, 31),
        "appropriated": tuple(appropriated),
        "child_cpr": CHILD,
        "parent_cpr": MOTHER,
        "case_worker": "Mette Mortensen",
    }
    values.update(changes)
    return DstGrant(**values)


def test_initial_load_reports_grants_appropriated_in_the_period_as_new():
    inside = grant(appropriated=(date(2026, 3, 1), date(2026, 7, 1)))
    before = grant(appropriated=(date(2026, 5, 31),))
    after = grant(appropriated=(date(2026, 12, 1),))
    assert report_type(inside, FROM, TO, initial_load=True) == NEW
    assert report_type(before, FROM, TO, initial_load=True) is None
    assert report_type(after, FROM, TO, initial_load=True) is None
    # an acting municipality change does not matter for an initial load
    assert (
        report_type(grant(case_changed=True, appropriated=(date(2026, 1, 5),)), FROM, TO, True)
        is None
    )


def test_delta_new_change_or_nothing():
    assert report_type(grant(appropriated=(date(2026, 6, 1),)), FROM, TO, False) == NEW
    assert (
        report_type(grant(appropriated=(date(2026, 6, 1), date(2026, 9, 1))), FROM, TO, False)
        == NEW
    )
    # an adjustment appropriated in the period of a grant appropriated before it
    both = grant(appropriated=(date(2026, 2, 1), date(2026, 9, 1)))
    assert report_type(both, FROM, TO, False) == CHANGE
    old = grant(appropriated=(date(2026, 2, 1),))
    assert report_type(old, FROM, TO, False) is None
    # the case changed (acting municipality) in the period: an older grant is a change
    assert (
        report_type(grant(appropriated=(date(2026, 2, 1),), case_changed=True), FROM, TO, False)
        == CHANGE
    )
    # nothing granted by the end of the period: not reported at all
    assert (
        report_type(grant(appropriated=(date(2026, 12, 2),), case_changed=True), FROM, TO, False)
        is None
    )


def test_consolidation_by_case_file_prefix():
    father = grant(
        "27.24.36-G01-7-20-Far", code="123", start=date(2026, 7, 1), end=date(2026, 12, 31)
    )
    mother = grant(
        "27.24.36-G01-7-20-Mor",
        code="456",
        start=date(2026, 6, 15),
        end=date(2027, 3, 31),
        appropriated=(date(2026, 2, 1), date(2026, 7, 1)),
    )
    other = grant("27.24.36-G01-8-20", code="789", appropriated=(date(2026, 8, 1),))
    selection = select([father, mother, other], "handicap", FROM, TO, initial_load=False)
    first, second = selection.records
    assert first.id == "27.24.36-G01-7-20"
    assert (first.start, first.end) == (date(2026, 6, 15), date(2027, 3, 31))
    assert first.code == "456"  # the earliest-starting grant's code
    assert first.report_type == CHANGE  # the mother's grant is a change
    assert first.sbsys_ids == ("27.24.36-G01-7-20-Far", "27.24.36-G01-7-20-Mor")
    assert (second.id, second.report_type, second.code) == ("27.24.36-G01-8-20", NEW, "789")


def test_an_open_grant_leaves_the_consolidated_end_open():
    open_ended = grant("27.24.36-G01-7-20-Mor", end=None)
    ended = grant("27.24.36-G01-7-20-Far", end=date(2026, 12, 31))
    [record] = select([ended, open_ended], "handicap", FROM, TO).records
    assert record.end is None


def test_prefix_of_other_ids_is_the_id():
    assert sbsys_prefix("27.24.36-G01-7-20-Far") == "27.24.36-G01-7-20"
    assert sbsys_prefix("27.24.36-G01-7-20") == "27.24.36-G01-7-20"
    assert sbsys_prefix("BEV-17") == "BEV-17"


def test_a_one_time_main_activity_is_reported_on_its_payment_date():
    assert main_period(None, None, one_time=True, payment_date=date(2026, 8, 14)) == (
        date(2026, 8, 14),
        date(2026, 8, 14),
    )
    assert main_period(
        date(2026, 8, 1), date(2026, 8, 31), one_time=True, payment_date=date(2026, 8, 14)
    ) == (
        date(2026, 8, 1),
        date(2026, 8, 31),
    )
    assert main_period(date(2026, 8, 1), None) == (date(2026, 8, 1), None)


def test_preventive_skips_grants_without_a_parent_and_handicap_needs_a_code():
    orphan = grant("27.24.36-G01-9-20", parent_cpr="")
    selection = select([orphan], "preventive", FROM, TO)
    assert selection.records == []
    assert selection.skipped == [("27.24.36-G01-9-20", SKIP_NO_PARENT)]
    # the handicap delivery does not need a parent, but a 3-digit code
    assert [r.id for r in select([orphan], "handicap", FROM, TO).records] == ["27.24.36-G01-9-20"]
    assert select([grant(code="12")], "handicap", FROM, TO).skipped == [
        ("27.24.36-G01-7-20-Far", SKIP_NO_CODE)
    ]


def test_period_and_file_name():
    assert period_of(date(2026, 12, 7)) == (2026, 11)
    assert period_of(date(2027, 1, 3)) == (2026, 12)
    moment = datetime(2026, 12, 7, 14, 3, 9)
    assert (
        file_name("preventive", True, "151", moment)
        == "T_151_T201_P2026M11_V01_D20261207T140309.xml"
    )
    assert (
        file_name("handicap", False, "151", moment)
        == "P_151_L231_P2026M11_V01_D20261207T140309.xml"
    )
