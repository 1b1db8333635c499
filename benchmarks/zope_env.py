"""The bench's own Zope instance: configuration under var/bench/, and opening the app in-process.

The configuration is written with the functions of scripts/make_instance.py (same zope.conf as
production, FileStorage + blobs), with var/bench/ as its data directory and one waitress thread
for the HTTP measurements. In-process phases open the database the way ``zconsole run`` does:
``Zope2.Startup.run.make_wsgi_app({}, zope.conf)`` followed by ``Zope2.app()``.
"""

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("BENCH_DIR", ROOT / "var" / "bench")).resolve()
ETC = BENCH_DIR / "etc"
ZOPE_CONF = ETC / "zope.conf"
ZOPE_INI = ETC / "zope.ini"
DATA_FS = BENCH_DIR / "filestorage" / "Data.fs"
SITE_ID = "Plone"
ADMIN = ("admin", "admin")


def _make_instance():
    spec = importlib.util.spec_from_file_location(
        "make_instance", ROOT / "scripts" / "make_instance.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_config(port=8089, host="localhost", cache_size="30000"):
    """zope.conf / zope.ini / site.zcml for the bench storage (one waitress thread)."""
    make_instance = _make_instance()
    for sub in ("filestorage", "blobstorage", "cache", "log"):
        (BENCH_DIR / sub).mkdir(parents=True, exist_ok=True)
    ETC.mkdir(parents=True, exist_ok=True)
    conf = make_instance.zope_conf("filestorage", BENCH_DIR, BENCH_DIR, cache_size, {})
    ZOPE_CONF.write_text("# The bench's database (benchmarks/zope_env.py).\n" + conf)
    ZOPE_INI.write_text(make_instance.zope_ini(BENCH_DIR, BENCH_DIR, host, port, threads=1))
    (ETC / "site.zcml").write_text(make_instance.SITE_ZCML)
    return ZOPE_CONF


def remove_storage():
    """A fresh database: Data.fs, its index/lock/tmp files and the blobs go."""
    import shutil

    for path in (BENCH_DIR / "filestorage").glob("Data.fs*"):
        path.unlink()
    shutil.rmtree(BENCH_DIR / "blobstorage", ignore_errors=True)
    (BENCH_DIR / "blobstorage").mkdir(parents=True, exist_ok=True)


def open_app():
    """The Zope application root of the bench database, with a request and the admin user."""
    import Zope2
    from AccessControl.SecurityManagement import newSecurityManager
    from Testing.makerequest import makerequest
    from zope.globalrequest import setRequest
    from Zope2.Startup.run import make_wsgi_app

    make_wsgi_app({}, str(ZOPE_CONF))
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    from os2bos_plone.setuphandlers.site import ensure_admin

    ensure_admin(app, *ADMIN)
    admin = app.acl_users.getUserById(ADMIN[0])
    newSecurityManager(None, admin.__of__(app.acl_users))
    return app


def portal_of(app):
    from zope.component.hooks import setSite

    portal = app[SITE_ID]
    setSite(portal)
    return portal


def peak_memory_mb():
    """This process's peak resident memory (ru_maxrss is in KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
