"""Grants take turns per process (decisions/serial.py); the turn must not get in the way of
what else the transaction does after a grant."""

import transaction

from tests.builders import grant_decision
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case


def test_a_savepoint_after_a_grant_works_and_rolls_back_the_rest(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())
    grant_decision(appropriation, [activity])
    savepoint = transaction.savepoint()
    activity.note = "efter bevillingen"
    savepoint.rollback()
    assert activity.note in (None, "")
