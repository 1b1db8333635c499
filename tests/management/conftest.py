from datetime import date

import pytest

from os2bos_plone.management.figures import clear_cache
from tests.builders import YEAR
from tests.builders import add_activity
from tests.builders import ensure_user
from tests.builders import make_appropriation
from tests.builders import make_case


@pytest.fixture(autouse=True)
def fresh_cache():
    """The module cache is keyed on the catalog counter, which the test layer rolls back."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def data(manager):
    """Three children in two teams, five grants under three sections, granted, expected and
    draft activities, last year's too. Returns the objects by name."""
    portal = manager
    ensure_user("mette", "Mette Mortensen")
    ensure_user("jonas", "Jonas Kristiansen")
    last = YEAR - 1
    alma = make_case(portal, team="familie_oest", effort_step=3, case_worker="mette")
    bo = make_case(portal, team="unge", effort_step=5, case_worker="jonas", target_group="unge")
    carl = make_case(portal, team="familie_oest", effort_step=3, case_worker="mette")
    alma_treatment = make_appropriation(alma, "BL-32-1.5")
    alma_leisure = make_appropriation(alma, "BL-35-3")
    bo_placement = make_appropriation(bo, "BL-43-1.6")
    bo_draft = make_appropriation(bo, "BL-32-1.5")
    carl_old = make_appropriation(carl, "BL-32-1.5")
    objects = {
        "portal": portal,
        "alma": alma,
        "bo": bo,
        "carl": carl,
        "alma_treatment": alma_treatment,
        "alma_leisure": alma_leisure,
        "bo_placement": bo_placement,
        "bo_draft": bo_draft,
        "carl_old": carl_old,
    }
    objects["family_treatment"] = add_activity(alma_treatment, amount="10000")
    objects["leisure_supplement"] = add_activity(
        alma_treatment,
        amount="500",
        service="100108",
        activity_type="supplementary",
        provider=None,
    )
    objects["leisure_main"] = add_activity(
        alma_leisure,
        state="expected",
        amount="2000",
        service="100108",
        provider=None,
        start=date(YEAR, 7, 1),
    )
    objects["placement"] = add_activity(
        bo_placement,
        amount="15000",
        service="100406",
        provider="93766989",
        start=date(last, 1, 1),
    )
    objects["draft"] = add_activity(bo_draft, state="draft", amount="99999")
    objects["old"] = add_activity(
        carl_old, amount="5000", start=date(last, 1, 1), end=date(last, 12, 31)
    )
    return objects
