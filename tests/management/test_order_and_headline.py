"""The management screen's rules as plain functions: law sections in numeric order and the
budget headline that is never better than its worst line (issue 15)."""

import pytest

from os2bos_plone.management.budget import headline_status
from os2bos_plone.management.order import section_sort_key


def test_sections_sort_numerically_by_law_paragraph_subsection_and_number():
    keys = [
        "BL-114-1.1",
        "BL-32-1.5",
        "BL-30-1.2",
        "BL-32-1.10",
        "BL-105",
        "BL-32-1.3",
        "BL-30-1.1",
        "BL-105-1.1",
        "BL-32",
        "BL-52a-3.7",
        "BL-52-3.7",
    ]
    assert sorted(keys, key=section_sort_key) == [
        "BL-30-1.1",
        "BL-30-1.2",
        "BL-32",
        "BL-32-1.3",
        "BL-32-1.5",
        "BL-32-1.10",
        "BL-52-3.7",
        "BL-52a-3.7",
        "BL-105",
        "BL-105-1.1",
        "BL-114-1.1",
    ]


def test_section_30_before_114_and_odd_keys_last():
    assert section_sort_key("BL-30-1.1") < section_sort_key("BL-114-1.1")
    keys = [None, "frit valg", "SEL-52-3.7", "BL-114-2", "BL-30-1.1"]
    assert sorted(keys, key=section_sort_key) == [
        "BL-30-1.1",
        "BL-114-2",
        "SEL-52-3.7",  # grouped by law: Barnets lov before Serviceloven
        "frit valg",
        None,
    ]


@pytest.mark.parametrize(
    ("total", "lines", "expected"),
    [
        # The total is within the budget, but one line stands at 596 %: over budget.
        ("under", ["under", "over", "under"], "over"),
        ("under", ["under", "near"], "near"),
        ("near", ["under", "over"], "over"),
        ("under", ["under", "under"], "under"),
        ("over", ["under", "under"], "over"),
        ("under", [], "under"),
        ("none", [], "none"),
        ("under", ["none", "under"], "under"),
    ],
)
def test_headline_is_the_worst_of_the_total_and_the_lines(total, lines, expected):
    assert headline_status(total, lines) == expected
