"""Backup and restore for real ('make backup', 'make restore', 'make pack'): on the ZEO server's
FileStorage (repozo, full then incremental, plus the blob snapshots) and on PostgreSQL 15
(RelStorage: pg_dump, pg_restore into a new database). The backup is restored into a fresh
storage, a fresh instance serves it, and over HTTP it holds the same cases, the same costs and
payments per year and the same letters (blobs, by SHA-256) as the site had when it was backed up;
what was written after the backup is not there.

scripts/backup.py runs as the Makefile runs it: through scripts/make_instance.py --run, reading
the storage settings from the environment."""

import hashlib
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

from tests.builders import costs
from tests.builders import create_activity
from tests.builders import grant
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.storage.servers import PG_BIN
from tests.storage.servers import ROOT
from tests.storage.servers import Instance
from tests.storage.servers import ZeoServer
from tests.storage.servers import base_environment
from tests.storage.servers import free_port

YEARS = (2026, 2027, 2028)


def make(cluster, command, settings, instance_dir):
    """``make <command>``: scripts/backup.py through make_instance.py --run (as $(RUN) does)."""
    env = base_environment(cluster.tmp)
    env.update(settings)
    env.update(
        INSTANCE_DIR=str(cluster.tmp / instance_dir),
        BACKUP_DIR=str(cluster.tmp / "backups"),
        PG_BIN=str(PG_BIN),
    )
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_instance.py"),
            "--run",
            sys.executable,
            str(ROOT / "scripts" / "backup.py"),
            command,
        ],
        env=env,
        cwd=cluster.tmp,
        capture_output=True,
        text=True,
        timeout=600,
    )


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def search(session, portal_type):
    response = session.get(
        f"{session.base}/@search",
        params={"portal_type": portal_type, "b_size": 10000, "sort_on": "path"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["items_total"] == len(body["items"])
    return [item["@id"] for item in body["items"]]


def fingerprint(instance):
    """What the site holds, as read over HTTP: comparable between two instances (paths are
    relative to the site)."""
    session = instance.session()

    def relative(url):
        return url.removeprefix(instance.base)

    cases = search(session, "bos_case")
    granted, expected = defaultdict(Decimal), defaultdict(Decimal)
    for case in cases:
        for year in YEARS:
            figures = costs(session, case, year)
            granted[year] += Decimal(figures["granted"])
            expected[year] += Decimal(figures["expected"])
    planned, paid = defaultdict(Decimal), defaultdict(Decimal)
    for activity in search(session, "bos_activity"):
        response = session.get(f"{activity}/@bos-payments", timeout=60)
        assert response.status_code == 200, response.text
        for payment in response.json()["items"]:
            planned[payment["date"][:4]] += Decimal(payment["amount"])
            if payment["paid"]:
                paid[payment["paid_date"][:4]] += Decimal(payment["paid_amount"])
    letters = {}
    for letter in search(session, "bos_letter"):
        pdf = session.get(f"{letter}/@@download/file", timeout=60)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        letters[relative(letter)] = hashlib.sha256(pdf.content).hexdigest()
    return {
        "cases": sorted(relative(case) for case in cases),
        "granted": dict(granted),
        "expected": dict(expected),
        "planned": dict(planned),
        "paid": dict(paid),
        "letters": letters,
    }


def granted_case(session, amount="10000.00", paid_amount=None):
    """A case with one granted monthly activity (its letter is a blob); the January payment
    registered paid with ``paid_amount``. The case's URL."""
    case, appropriation = new_appropriation(session)
    activity = create_activity(
        session, appropriation["@id"], **monthly_main(session, payment_amount=amount)
    )
    grant(session, appropriation["@id"], [activity["UID"]])
    if paid_amount:
        response = session.post(
            f"{activity['@id']}/@bos-payments/2027-01-01",
            json={"paid_amount": paid_amount, "paid_date": "2027-01-05", "note": "Faktura 1"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
    return case["@id"]


def backup_restore_round_trip(cluster, ops_settings, restore_settings, serve_restored):
    """Pack, back up, change, back up again, change once more; restore and compare."""
    session = cluster.a.session()
    for i in range(3):
        granted_case(session, amount=f"{1000 * (i + 1)}.00", paid_amount="990.00" if i else None)
    before_pack = fingerprint(cluster.a)
    # Pack before the full backup (the README's weekly order): the site is unchanged by it.
    assert "Pakningen er færdig" in ok(make(cluster, "pack", {**ops_settings, "DAYS": "0"}, "ops"))
    assert fingerprint(cluster.a) == before_pack

    ok(make(cluster, "backup", ops_settings, "ops"))
    granted_case(session, amount="4321.00", paid_amount="4000.00")
    backed_up = fingerprint(cluster.a)
    assert backed_up != before_pack
    second = ok(make(cluster, "backup", ops_settings, "ops"))

    # Written after the backup: must not come back.
    late_case = granted_case(session, amount="777.00", paid_amount="700.00")
    live = fingerprint(cluster.a)
    assert late_case.removeprefix(cluster.a.base) in live["cases"]

    restored = ok(make(cluster, "restore", restore_settings, "ops-restored"))
    assert "Gendannet" in restored
    # A second restore onto the restored data is refused, in Danish.
    again = make(cluster, "restore", restore_settings, "ops-restored")
    assert again.returncode == 2, again.stdout + again.stderr
    assert "Gendannelsen er afvist" in again.stderr

    instance = serve_restored()
    try:
        assert fingerprint(instance) == backed_up
        on_restored = instance.session().get(
            late_case.replace(cluster.a.base, instance.base), timeout=60
        )
        assert on_restored.status_code == 404
        # The restored site works: a new decision with its letter.
        granted_case(instance.session(), paid_amount="10000.00")
    finally:
        instance.stop()
    assert fingerprint(cluster.a) == live
    return second


def test_backup_restores_into_a_fresh_instance(cluster):
    """Per storage (the cluster fixture runs it on ZEO and on RelStorage)."""
    if cluster.kind == "zeo":
        zeo_round_trip(cluster)
    else:
        relstorage_round_trip(cluster)


def zeo_round_trip(cluster):
    """repozo (full, then incremental) and the blob snapshots of the ZEO server's FileStorage,
    restored into a new directory that a new ZEO server serves."""
    # On the ZEO server's machine: VAR_DIR is the data directory it serves.
    ops = {**cluster.server.settings(), "VAR_DIR": str(cluster.server.dir)}
    restored_dir = cluster.tmp / "zeo-restored"
    target = {
        "STORAGE": "zeo",
        "ZEO_ADDRESS": f"127.0.0.1:{free_port()}",
        "VAR_DIR": str(restored_dir),
    }
    servers = []

    def serve_restored():
        server = ZeoServer(cluster.tmp, "zeo-restored")
        servers.append(server)
        instance = Instance(cluster.tmp, "restored", server.settings())
        cluster.instances.append(instance)
        instance.serve()
        return instance

    try:
        second = backup_restore_round_trip(cluster, ops, target, serve_restored)
    finally:
        for server in servers:
            server.stop()
    assert "inkrementel sikkerhedskopi" in second
    backups = cluster.tmp / "backups"
    assert len(list((backups / "filestorage").glob("*.fsz"))) == 1
    assert len(list((backups / "filestorage").glob("*.deltafsz"))) == 1
    assert len(list((backups / "blobstorage").iterdir())) == 2
    assert (restored_dir / "filestorage" / "Data.fs").is_file()


def relstorage_round_trip(cluster):
    """pg_dump of the RelStorage database (blobs included), pg_restore into a new database."""
    ops = {**cluster.server.settings(), "VAR_DIR": str(cluster.tmp / "ops" / "var")}
    new_dsn = cluster.server.dsn.replace("dbname=bos", "dbname=bos_restored")
    target = {
        "STORAGE": "relstorage",
        "RELSTORAGE_DSN": new_dsn,
        "VAR_DIR": str(cluster.tmp / "ops-restored" / "var"),
    }

    def serve_restored():
        instance = Instance(
            cluster.tmp, "restored", {"STORAGE": "relstorage", "RELSTORAGE_DSN": new_dsn}
        )
        cluster.instances.append(instance)
        instance.serve()
        return instance

    backup_restore_round_trip(cluster, ops, target, serve_restored)
    assert len(list((cluster.tmp / "backups" / "postgresql").glob("bos-*.dump"))) == 2
