"""Demo data: never part of the install profile, loaded by 'make start' / 'make demo'.

Each step is idempotent: running it again finds what it made before and adds nothing twice.
Later features extend DEMO_STEPS (users, cases, this year's budget).
"""

from os2bos_plone.demo import budget as demo_budget
from os2bos_plone.demo import cases as demo_cases
from os2bos_plone.demo.settings import set_demo_account_aliases
from os2bos_plone.demo.settings import set_demo_settings
from os2bos_plone.demo.users import create_demo_users


def create_demo_cases(portal, progress=print):
    """Cases with grants and activities."""
    demo_cases.create_demo_cases(portal, progress=progress)


def create_demo_budget(portal, progress=print):
    """This year's budget with a line per section, set around the demo cases' forecast so that
    Ledelsesinformation shows budget against forecast (over and under) at first sight."""
    # Management makes the budget (its creator in the history).
    with demo_cases.acting_as("ledelse"):
        demo_budget.create_demo_budget(portal, progress=progress)


DEMO_STEPS = (
    ("Demoindstillinger (kommune, PRISME, kontering)", set_demo_settings),
    ("Demokontoaliaser til PRISME", set_demo_account_aliases),
    ("Demobrugere", create_demo_users),
    ("Demosager med bevillinger og ydelser", create_demo_cases),
    ("Demobudget for i år", create_demo_budget),
)


def load_demo_data(portal, progress=print):
    progress("Indlæser demodata ...")
    for title, step in DEMO_STEPS:
        progress(f"- {title}")
        step(portal, progress=progress)
    progress("Demodata er indlæst.")
