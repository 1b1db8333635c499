"""Archive the demo site as a release's code writes it, for the next release's upgrade test.

  .venv/bin/python scripts/release_site_archive.py [COMMIT] [--today YYYY-MM-DD] [--output PATH]

COMMIT (default HEAD) is checked out into a temporary git worktree; with that commit's ``src``
first on the path (the editable install of this checkout is never imported: checked), a fresh
FileStorage is configured, that commit's ``scripts/create_site.py`` builds the site with its demo
data through ``zconsole run``, the storage is packed, and ``tests/data/site-<short commit>.tar.gz``
is written with:

  filestorage/Data.fs   the packed database
  blobstorage/          its blobs (the letters' PDFs)
  release.json          {"commit", "written" (the product's day when the site was built: the
                        demo data is relative to it), "profile_version", "site_id", "admin"}

The worktree and the temporary instance are removed afterwards. The environment and the
dependencies are this checkout's ``.venv`` (the interpreter running this script): run it before
the dependencies of the next release are changed, or accept the newer libraries.

``--today`` sets the old code's clock (``os2bos_plone.engine.clock.set_today``) for the build, so
an archive can be rebuilt as of a given day; without it the day is the real one in Denmark, and a
build that runs over midnight is refused.

tests/setup/test_previous_release.py opens the newest such archive (see its ARCHIVE).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SITE_ID = "Plone"
ADMIN = "admin"

ZOPE_CONF = """# A throw-away instance for scripts/release_site_archive.py.
%define INSTANCE {home}
instancehome $INSTANCE
clienthome {home}/var

debug-mode off
security-policy-implementation C
verbose-security off
default-zpublisher-encoding utf-8

<environment>
  CHAMELEON_CACHE {home}/var/cache
  zope_i18n_compile_mo_files true
  zope_i18n_allowed_languages da en
  TZ Europe/Copenhagen
</environment>

<zodb_db main>
  <blobstorage>
    blob-dir {home}/var/blobstorage
    <filestorage>
      path {home}/var/filestorage/Data.fs
    </filestorage>
  </blobstorage>
  mount-point /
</zodb_db>
"""

SITE_ZCML = """<configure
    xmlns="http://namespaces.zope.org/zope"
    xmlns:five="http://namespaces.zope.org/five">
  <include package="Zope2.App" />
  <five:loadProducts file="meta.zcml" />
  <five:loadProducts />
  <five:loadProductsOverrides />
</configure>
"""

#: Run by zconsole in the old code: checks which os2bos_plone is imported, sets the day if asked,
#: runs the commit's own create_site.py and records the day and the profile version.
BUILD = """
import json, os, runpy, sys
from pathlib import Path

import os2bos_plone
from os2bos_plone.engine import clock

source = Path(os.environ["RELEASE_SRC"])
if not Path(os2bos_plone.__file__).resolve().is_relative_to(source):
    sys.exit(f"os2bos_plone imported from {os2bos_plone.__file__}, not from {source}")
if os.environ.get("RELEASE_TODAY"):
    from datetime import date

    clock.set_today(date.fromisoformat(os.environ["RELEASE_TODAY"]))
day = clock.today()
runpy.run_path(os.environ["RELEASE_CREATE_SITE"], init_globals={"app": app}, run_name="__main__")
if clock.today() != day:
    sys.exit("the day changed while the site was built; run it again")
import transaction
transaction.begin()
setup = app.unrestrictedTraverse(os.environ["SITE_ID"]).portal_setup
version = setup.getLastVersionForProfile("os2bos_plone:default")
Path(os.environ["RELEASE_INFO"]).write_text(json.dumps({
    "written": day.isoformat(),
    "profile_version": ".".join(version) if isinstance(version, tuple) else version,
}))
"""


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def git(*args):
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def pack(data_fs, blob_dir):
    """Keep only the current records (the archive stays small); unreferenced blobs go too."""
    from ZODB.FileStorage import FileStorage
    from ZODB.serialize import referencesf

    storage = FileStorage(str(data_fs), blob_dir=str(blob_dir))
    try:
        storage.pack(time.time(), referencesf)
    finally:
        storage.close()
    for suffix in (".old", ".index", ".lock", ".tmp"):
        Path(f"{data_fs}{suffix}").unlink(missing_ok=True)


def build(commit, output, today=None):
    sha = git("rev-parse", "--verify", f"{commit}^{{commit}}")
    output = Path(output or ROOT / "tests" / "data" / f"site-{sha[:7]}.tar.gz").resolve()
    work = Path(tempfile.mkdtemp(prefix="release-site-"))
    checkout = work / "src"
    home = work / "instance"
    var = home / "var"
    try:
        git("worktree", "add", "--detach", str(checkout), sha)
        for sub in ("filestorage", "blobstorage", "cache", "log"):
            (var / sub).mkdir(parents=True)
        (home / "etc").mkdir(parents=True)
        (home / "etc" / "zope.conf").write_text(ZOPE_CONF.format(home=home))
        (home / "etc" / "site.zcml").write_text(SITE_ZCML)
        (work / "build.py").write_text(BUILD)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTHONPATH", "BOS_TODAY", "PRODUCTION", "DEMO")
        }
        env.update(
            PYTHONPATH=str(checkout / "src"),
            SITE_ID=SITE_ID,
            ADMIN_USER=ADMIN,
            ADMIN_PASSWORD=ADMIN,
            DEMO="1",
            TZ="Europe/Copenhagen",
            RELEASE_SRC=str(checkout / "src"),
            RELEASE_CREATE_SITE=str(checkout / "scripts" / "create_site.py"),
            RELEASE_INFO=str(work / "release.json"),
            RELEASE_TODAY=today or "",
        )
        if today:
            env["BOS_TODAY"] = today  # for code whose clock reads it at import
        run(BIN / "zconsole", "run", home / "etc" / "zope.conf", work / "build.py", env=env)
        info = json.loads((work / "release.json").read_text())
        info = {"commit": sha, **info, "site_id": SITE_ID, "admin": ADMIN}
        pack(var / "filestorage" / "Data.fs", var / "blobstorage")
        (var / "release.json").write_text(json.dumps(info, indent=2) + "\n")
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as archive:
            archive.add(var / "filestorage" / "Data.fs", "filestorage/Data.fs")
            archive.add(var / "blobstorage", "blobstorage")
            archive.add(var / "release.json", "release.json")
    finally:
        if checkout.exists():
            git("worktree", "remove", "--force", str(checkout))
        shutil.rmtree(work, ignore_errors=True)
    print(f"{output} ({output.stat().st_size / 1e6:.1f} MB): {json.dumps(info)}")
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", nargs="?", default="HEAD")
    parser.add_argument("--today", help="the old code's day, YYYY-MM-DD (default: the real day)")
    parser.add_argument("--output", help="default: tests/data/site-<short commit>.tar.gz")
    args = parser.parse_args(argv)
    build(args.commit, args.output, args.today)


if __name__ == "__main__":
    main()
