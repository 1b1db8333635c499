"""Sites written by older code, archived in tests/data/: unpacking, reading every record with
today's classes, and opening the site inside the test layer's Zope configuration.

Used by test_old_site.py (a site of commit 9b47680) and test_previous_release.py (the site of
the release before, written by scripts/release_site_archive.py).
"""

import importlib
import io
import json
import pickletools
import tarfile
from collections import Counter
from contextlib import contextmanager

import transaction
import ZODB
import zodbpickle.pickle
from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from Testing.makerequest import makerequest
from ZODB.FileStorage import FileStorage
from zope.component.hooks import getSite
from zope.component.hooks import setSite
from zope.interface import alsoProvides
from zope.publisher.browser import IDefaultBrowserLayer

from os2bos_plone.interfaces import IOs2BosPloneLayer


def unpack(archive, target):
    """Unpack ``archive`` into ``target`` (a fresh directory); returns ``target``."""
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def release_info(root):
    """What scripts/release_site_archive.py recorded (commit, day written, profile version)."""
    return json.loads((root / "release.json").read_text())


def open_storage(root, read_only=True):
    return FileStorage(
        str(root / "filestorage" / "Data.fs"),
        blob_dir=str(root / "blobstorage"),
        read_only=read_only,
    )


# -- every record, without Zope ----------------------------------------------------------------


class Resolving(zodbpickle.pickle.Unpickler):
    """Unpickles a record's two pickles (class and state) with the code as it is now: a class
    path that no longer imports raises instead of becoming a ``Broken`` stand-in."""

    def __init__(self, data, seen):
        super().__init__(io.BytesIO(data), encoding="ASCII", errors="bytes")
        self.seen = seen

    def find_class(self, module, name):
        self.seen[f"{module}.{name}"] += 1
        return getattr(importlib.import_module(module), name)

    def persistent_load(self, reference):
        return reference  # another record: checked on its own


def records(storage):
    for transaction_record in storage.iterator():
        for record in transaction_record:
            if record.data is not None:  # None: an undone creation
                yield record


def unpickle_every_record(root):
    """Unpickle every record of the stored history; returns (number of records, Counter of the
    class paths the pickles named)."""
    storage = open_storage(root)
    seen = Counter()
    count = 0
    try:
        for record in records(storage):
            count += 1
            unpickler = Resolving(record.data, seen)
            unpickler.load()  # the class
            unpickler.load()  # the state
    finally:
        storage.close()
    return count, seen


def global_names(data):
    """The GLOBAL opcodes of both pickles of a record (no import, no unpickling)."""
    stream = io.BytesIO(data)
    names = set()
    for _pickle in range(2):
        for opcode, argument, _position in pickletools.genops(stream):
            if opcode.name == "GLOBAL":
                names.add(argument.replace(" ", "."))
            assert opcode.name != "STACK_GLOBAL", "ZODB pickles (protocol 3) name classes by GLOBAL"
    return names


def unimportable(names):
    """The class paths of ``names`` that do not import with today's code."""
    missing = []
    for name in names:
        module, _dot, attribute = name.rpartition(".")
        try:
            getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError):
            missing.append(name)
    return missing


# -- the site, inside the test layer's Zope configuration ---------------------------------------


@contextmanager
def opened_site(root, site_id="Plone", admin="admin"):
    """The old Plone site, opened from the unpacked file in the layer's Zope configuration (the
    add-on's ZCML is loaded), as the site hook and with the old site's Zope manager logged in.
    Everything is aborted afterwards and the layer's site comes back. Use it inside a test
    that has the layer's ``portal`` fixture."""
    db = ZODB.DB(open_storage(root, read_only=False))
    connection = db.open()
    layer_site = getSite()
    security = getSecurityManager()
    app = makerequest(connection.root()["Application"])
    site = app[site_id]
    request = app.REQUEST
    alsoProvides(request, IDefaultBrowserLayer, IOs2BosPloneLayer)
    setSite(site)
    try:
        manager = app.acl_users.getUser(admin)
        assert manager is not None, "the demo site's Zope admin"
        newSecurityManager(request, manager.__of__(app.acl_users))
        yield site
    finally:
        transaction.abort()
        setSecurityManager(security)
        setSite(layer_site)
        connection.close()
        db.close()


def brains(site, portal_type, **query):
    catalog = site.portal_catalog
    return catalog.unrestrictedSearchResults(portal_type=portal_type, **query)


def without_checkpoints(monkeypatch):
    """Switch off the batch commits (``checkpoint``) of every upgrade step module: a test runs
    the steps on an opened copy and aborts, it never commits."""
    import pkgutil

    import os2bos_plone.upgrades

    for module in pkgutil.iter_modules(os2bos_plone.upgrades.__path__):
        step = importlib.import_module(f"os2bos_plone.upgrades.{module.name}")
        if callable(getattr(step, "checkpoint", None)):
            monkeypatch.setattr(step, "checkpoint", lambda: None)
