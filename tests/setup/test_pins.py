"""constraints.txt is the one pin set: complete, no pre-releases, and buildout agrees with it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")
BUILDOUT_PIN = re.compile(r"^([A-Za-z0-9_.\-]+) = (\S+)$")


def constraint_pins():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[match.group(1)] = match.group(2)
    return pins


def test_constraints_complete_and_plone_622():
    pins = constraint_pins()
    assert len(pins) > 280
    assert pins["Products.CMFPlone"] == "6.2.2"
    assert pins["Plone"] == "6.2.2"
    assert pins["plone.app.layout"].startswith("6.")


def test_no_prerelease_pinned():
    prerelease = re.compile(r"(a|b|rc|\.dev)\d*$")
    assert [f"{n}=={v}" for n, v in constraint_pins().items() if prerelease.search(v)] == []


def test_buildout_versions_agree_with_constraints():
    versions = {}
    for line in (ROOT / "versions.cfg").read_text().splitlines():
        match = BUILDOUT_PIN.match(line.strip())
        if match:
            versions[match.group(1)] = match.group(2)
    assert versions == constraint_pins()


def test_buildout_cfg_uses_generated_versions():
    text = (ROOT / "buildout.cfg").read_text()
    assert "extends = versions.cfg" in text
    assert "plone.recipe.zope2instance" in text
    assert "blob-storage" in text
