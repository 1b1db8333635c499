"""The overview reads catalog metadata only: a quick synthetic build of many activities.

The activities are made without events and catalogued directly with their stored totals (as
``activities.refresh_totals`` leaves them), so building is fast; the view never wakes them.
``BOS_OVERVIEW_ACTIVITIES=10000 pytest tests/management/test_performance.py -s`` times a bigger set.
"""

import os
import time
from decimal import Decimal

from plone import api
from plone.dexterity.utils import createContent

from os2bos_plone.management.figures import clear_cache
from os2bos_plone.management.figures import collect
from os2bos_plone.payments.totals import MONTHLY_COLUMN
from tests.builders import YEAR
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import uid_of
from tests.builders import view

COUNT = int(os.environ.get("BOS_OVERVIEW_ACTIVITIES", "300"))
PER_GRANT = 5
TEAMS = ("familie_oest", "familie_vest", "unge", "handicap")
SERVICES = ("100206", "100108", "100406")


def build(portal, count):
    services = [uid_of("bos_service", key) for key in SERVICES]
    provider = uid_of("bos_service_provider", "97643024")
    grants = []
    for number in range(max(count // PER_GRANT // 4, 1)):
        case = make_case(portal, team=TEAMS[number % 4], effort_step=1 + number % 6)
        for section in ("BL-32-1.5", "BL-35-3", "BL-43-1.6", "BL-46"):
            grants.append(make_appropriation(case, section))
    made = 0
    for number in range(count):
        appropriation = grants[number // PER_GRANT % len(grants)]
        amount = Decimal(1000 + number % 50 * 100)
        activity = createContent(
            "bos_activity",
            service=services[number % len(services)],
            activity_type="main",
            service_provider=provider if number % 2 else None,
            payment_type="running",
        )
        activity.id = f"ydelse-syn-{number}"
        appropriation._setObject(activity.id, activity, suppress_events=True)
        activity = appropriation[activity.id]
        activity.bos_yearly_totals = {
            YEAR: (str(amount * 12), str(amount * 13)),
            YEAR - 1: (str(amount * 10), str(amount * 10)),
        }
        activity.bos_monthly_totals = {
            f"{YEAR:04d}-{month:02d}": (str(amount), str(amount + (amount if month == 12 else 0)))
            for month in range(1, 13)
        }
        activity.reindexObject()
        made += 1
    return made


def best(function, repeat=3, before=None):
    timings = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def test_renders_from_metadata_with_many_activities(manager):
    portal = manager
    catalog = api.portal.get_tool("portal_catalog")
    if MONTHLY_COLUMN not in catalog.schema():
        catalog.addColumn(MONTHLY_COLUMN)
    started = time.perf_counter()
    made = build(portal, COUNT)
    catalog.getCounter()  # the indexing queue is processed here, not in the first timing
    built = time.perf_counter() - started
    view(portal, "bos-overview", year=YEAR)()  # compiles the templates

    def page():
        return view(portal, "bos-overview", year=YEAR)()

    cold, html = best(page, before=clear_cache)
    warm, _html = best(page)
    figures, overview = best(lambda: collect(YEAR), before=clear_cache)
    print(
        f"\n{made} synthetic activities built in {built:.1f} s; page {cold * 1000:.0f} ms "
        f"uncached, {warm * 1000:.0f} ms cached; figures alone {figures * 1000:.0f} ms "
        "(best of 3 each)"
    )
    assert overview.activities == made
    assert overview.monthly_source == "ledger"
    expected = sum(Decimal(1000 + n % 50 * 100) * 13 for n in range(made))
    assert overview.totals[1] == expected
    assert sum(e for _g, e in (overview.monthly[f"{YEAR}-{m:02d}"] for m in range(1, 13))) == (
        expected
    )
    assert "Ledelsesinformation" in html
    # Generous in CI; the point is that nothing is woken per activity.
    assert cold < max(3.0, made / 1000)
