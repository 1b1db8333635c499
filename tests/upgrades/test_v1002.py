"""Upgrade step 1001 -> 1002: each case's effort-step moves as catalog metadata."""

import transaction
from plone import api
from Products.GenericSetup.upgrade import listUpgradeSteps
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone.management.effect import step_movements
from os2bos_plone.management.figures import STEP_MOVES_COLUMN
from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import metadata_rows
from os2bos_plone.upgrades import v1002
from os2bos_plone.upgrades import v1005
from tests.builders import YEAR
from tests.builders import make_case

PROFILE = "os2bos_plone:default"
COLUMN = STEP_MOVES_COLUMN


def move(case, step):
    case.effort_step = step
    notify(ObjectModifiedEvent(case))


def test_the_step_is_registered(manager):
    setup = api.portal.get_tool("portal_setup")
    steps = listUpgradeSteps(setup, PROFILE, "1001")
    assert [(step["source"], step["dest"]) for step in steps] == [
        (("1001",), ("1002",)),
        (("1002",), ("1003",)),
        (("1003",), ("1004",)),
        (("1004",), ("1005",)),
        (("1005",), ("1006",)),
        (("1006",), ("1007",)),
        (("1007",), ("1008",)),
        (("1008",), ("1009",)),
        (("1009",), ("1010",)),
        (("1010",), ("1011",)),
    ]


def test_new_cases_and_changes_keep_the_column_current(manager):
    case = make_case(manager, team="familie_oest", effort_step=2)
    move(case, 4)
    move(case, 3)
    catalog = api.portal.get_tool("portal_catalog")
    (brain,) = catalog.unrestrictedSearchResults(UID=case.UID())
    today = brain.bos_step_moves[0][0]
    assert brain.bos_step_moves == ((today, None, 2), (today, 2, 4), (today, 4, 3))
    clear_cache()
    moves = step_movements(YEAR)
    assert (moves["up"], moves["down"]) == (1, 1)
    assert moves["per_step"][2] == {
        "new": 1,
        "up_into": 0,
        "down_into": 0,
        "left": 1,
        "up_from": 1,
        "down_from": 0,
    }


def test_upgrade_adds_and_fills_the_column(manager, monkeypatch):
    cases = [make_case(manager, team="familie_oest", effort_step=step) for step in (1, 3, 5)]
    move(cases[0], 2)
    move(cases[2], 4)
    clear_cache()
    before = step_movements(YEAR)
    assert (before["up"], before["down"]) == (1, 1)

    # A site as 1001 left it: no column; the overview reads the cases' history instead.
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delColumn(COLUMN)
    setup = api.portal.get_tool("portal_setup")
    setup.setLastVersionForProfile(PROFILE, "1001")
    clear_cache()
    assert step_movements(YEAR) == before

    checkpoints = []
    monkeypatch.setattr(
        v1002, "checkpoint", lambda: checkpoints.append(transaction.savepoint(optimistic=True))
    )
    messages = []
    monkeypatch.setattr(v1002.logger, "info", messages.append)
    monkeypatch.setattr(v1005, "checkpoint", lambda: None)  # on through 1005: no commit
    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1011",)  # and on through 1011
    assert COLUMN in catalog.schema()
    assert checkpoints
    assert any("sager" in message for message in messages)
    rows = list(metadata_rows(catalog, "bos_case", (COLUMN,)))
    assert rows and all(moves is not None for _path, (moves,) in rows)
    clear_cache()
    assert step_movements(YEAR) == before
    # Running it again finds nothing to do.
    assert v1002.fill_step_moves(batch=1)[0] == 0
