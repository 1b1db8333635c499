"""This year's demo budget, set around the forecast so over- and underruns show."""

from collections import defaultdict
from decimal import Decimal

from plone.dexterity.utils import createContentInContainer

from os2bos_plone.content.budget import BUDGET_TYPE
from os2bos_plone.engine import clock
from os2bos_plone.management.budget import budget_for
from os2bos_plone.management.figures import ZERO
from os2bos_plone.management.figures import classification_titles
from os2bos_plone.management.figures import collect

#: Budget = expected x factor, by section in key order: some lines overrun, some are close.
DEMO_BUDGET_FACTORS = (Decimal("0.90"), Decimal("1.15"), Decimal("1.03"), Decimal("1.25"))


def create_demo_budget(portal, year=None, progress=print):
    """A budget for ``year`` (this year) with a line per section that has expected cost, set
    around the forecast so the overview shows overruns and underruns. Idempotent: an existing
    budget for the year is left alone. For the demo loader (demo/__init__.py DEMO_STEPS)."""
    year = year or clock.today().year
    folder = portal.get("budget")
    if folder is None:
        progress("Budget: mappen /budget findes ikke; intet demobudget.")
        return None
    existing = budget_for(year)
    if existing is not None:
        progress(f"Budget {year} findes allerede")
        return existing
    overview = collect(year)
    sections = classification_titles("bos_section")
    expected = defaultdict(lambda: ZERO)
    for (section_uid, _service, _kind), (_granted, amount) in overview.groups.items():
        if section_uid in sections:
            expected[sections[section_uid][0]] += amount
    lines = []
    for number, key in enumerate(sorted(k for k, amount in expected.items() if amount)):
        factor = DEMO_BUDGET_FACTORS[number % len(DEMO_BUDGET_FACTORS)]
        amount = (expected[key] * factor / 1000).quantize(Decimal("1")) * 1000
        lines.append({"section": key, "account": None, "amount": amount, "note": "Demobudget"})
    budget = createContentInContainer(folder, BUDGET_TYPE, year=year, lines=lines)
    progress(f"Budget {year} oprettet med {len(lines)} linjer")
    return budget
