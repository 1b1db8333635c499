"""Shared helpers for the interchange tests (plain pytest, no Plone)."""

import copy
import json
import os
from pathlib import Path

import pytest

from os2bos_plone.interchange.kinds import KIND_NAMES

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "src" / "os2bos_plone" / "data" / "seed"
SAMPLE = Path(__file__).resolve().parent / "os2bos_sample"
#: An OS2BOS installation's fixtures beside the repository (never copied into it).
OS2BOS_DATA = REPO.parent / "shared" / "os2bos-data"

_SEED_CACHE: dict = {}


def load_seed() -> dict[str, list[dict]]:
    """The seed rows of every kind (a fresh deep copy on each call)."""
    if not _SEED_CACHE:
        for kind in KIND_NAMES:
            _SEED_CACHE[kind] = json.loads((SEED / f"{kind}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(_SEED_CACHE)


def require_os2bos_data() -> Path:
    """The real OS2BOS data directory; skip without it, but fail on CI."""
    if not OS2BOS_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/os2bos-data mangler")
        pytest.skip("../shared/os2bos-data mangler")
    return OS2BOS_DATA
