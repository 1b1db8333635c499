"""plone.app.upgrade is installed: Plone's own upgrade steps are registered, so the next Plone
release can be upgraded to with @@plone-upgrade (portal_migration) on a site of this one."""

import importlib.metadata
from pathlib import Path

from plone import api

PLONE_PROFILE = "Products.CMFPlone:plone"
CONSTRAINTS = Path(__file__).resolve().parents[2] / "constraints.txt"


def _flat(upgrades):
    # listUpgrades gives an info dict per step, or a list of them for a nested upgradeSteps.
    for item in upgrades:
        if isinstance(item, list):
            yield from item
        else:
            yield item


def test_plone_app_upgrade_is_installed_at_the_pinned_version():
    pins = dict(
        line.split("==", 1)
        for line in CONSTRAINTS.read_text().splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    )
    assert importlib.metadata.version("plone.app.upgrade") == pins["plone.app.upgrade"].strip()
    requires = importlib.metadata.requires("os2bos_plone") or []
    assert any(requirement.split(";")[0].strip() == "plone.app.upgrade" for requirement in requires)


def test_plones_upgrade_steps_are_registered(portal):
    setup = api.portal.get_tool("portal_setup")
    steps = list(_flat(setup.listUpgrades(PLONE_PROFILE, show_old=True)))
    assert len(steps) > 10
    # Steps that run code (others import a profile) are plone.app.upgrade's functions.
    handlers = [getattr(step.get("step"), "handler", None) for step in steps]
    modules = {handler.__module__ for handler in handlers if handler is not None}
    assert any(module.startswith("plone.app.upgrade.") for module in modules), modules
    # On a fresh site every one of them is done already.
    assert list(_flat(setup.listUpgrades(PLONE_PROFILE))) == []


def test_portal_migration_needs_no_upgrade_on_a_fresh_site(portal):
    migration = api.portal.get_tool("portal_migration")
    assert migration.getInstanceVersion() == migration.getFileSystemVersion()
    assert not migration.needUpgrading()
    assert migration.listUpgrades() == []
