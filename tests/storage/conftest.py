"""Two instances on a real ZEO server and on a real PostgreSQL 15 (RelStorage): 'make test-storage'.

The suite is marked 'storage' and left out of the normal run (pyproject.toml addopts)."""

import tempfile
from pathlib import Path

import pytest

from tests import builders
from tests.storage.servers import Instance
from tests.storage.servers import Postgres
from tests.storage.servers import ZeoServer
from tests.storage.servers import remove


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith("tests/storage/"):
            item.add_marker(pytest.mark.storage)


class Cluster:
    """The storage server, the site on it, two serving instances (a, b) and a jobs client."""

    def __init__(self, kind):
        self.kind = kind
        self.tmp = Path(tempfile.mkdtemp(prefix=f"bos-{kind}-"))
        self.server = None
        self.instances = []
        try:
            self.server = ZeoServer(self.tmp) if kind == "zeo" else Postgres(self.tmp)
            self.a, self.b, self.jobs = (
                Instance(self.tmp, name, self.server.settings()) for name in ("a", "b", "jobs")
            )
            self.instances = [self.a, self.b, self.jobs]
            created = self.a.zconsole("create_site.py")
            assert created.returncode == 0, created.stdout + created.stderr
            self.a.serve()
            self.b.serve()
        except BaseException:
            self.stop()
            raise

    def other(self, url, instance):
        """``url`` of one instance as the other instance serves it."""
        for each in (self.a, self.b):
            url = url.replace(each.base, instance.base)
        return url

    def stop(self):
        for instance in self.instances:
            instance.stop()
        if self.server is not None:
            self.server.stop()
        remove(self.tmp)


@pytest.fixture(scope="session", params=["zeo", "relstorage"])
def cluster(request):
    # The REST builders remember regelmotor UIDs: each cluster is a site of its own.
    builders._uids.clear()
    cluster = Cluster(request.param)
    yield cluster
    cluster.stop()
