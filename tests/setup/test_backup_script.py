"""scripts/backup.py ('make backup', 'make restore', 'make pack') on a FileStorage with blobs of
its own, without servers: repozo and the blob snapshots for real, the refusals in Danish.

The ZEO and PostgreSQL round trips through a whole site: tests/storage/test_backup.py."""

import hashlib
import importlib.util
import time
from pathlib import Path

import pytest
import transaction
import zc.lockfile
from ZODB import DB
from ZODB.blob import Blob
from ZODB.FileStorage import FileStorage

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("bos_backup", ROOT / "scripts" / "backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


backup = load_script()


def open_db(var_dir):
    (var_dir / "filestorage").mkdir(parents=True, exist_ok=True)
    storage = FileStorage(
        str(var_dir / "filestorage" / "Data.fs"), blob_dir=str(var_dir / "blobstorage")
    )
    return DB(storage)


def write_letter(var_dir, key, content):
    """One blob (a 'letter') under ``key`` in the root, committed."""
    db = open_db(var_dir)
    try:
        connection = db.open()
        blob = Blob()
        with blob.open("w") as handle:
            handle.write(content)
        connection.root()[key] = blob
        transaction.commit()
        connection.close()
    finally:
        db.close()


def letters(var_dir):
    """{key: sha256 of the blob} of the database under ``var_dir``."""
    db = open_db(var_dir)
    try:
        connection = db.open()
        result = {}
        for key, blob in connection.root().items():
            with blob.open("r") as handle:
                result[key] = hashlib.sha256(handle.read()).hexdigest()
        connection.close()
        return result
    finally:
        db.close()


def next_second():
    """repozo names its files by the second (UTC): two backups need two seconds."""
    time.sleep(1.05)


@pytest.fixture
def env(tmp_path):
    return {"STORAGE": "filestorage", "VAR_DIR": str(tmp_path / "var")}


def run(env, *argv):
    return backup.main(list(argv), environ=env)


def test_full_then_incremental_backup_restores_data_and_blobs_as_backed_up(tmp_path, env, capsys):
    var = tmp_path / "var"
    write_letter(var, "first", b"%PDF first" * 500)
    assert run(env, "backup") == 0
    assert "fuld sikkerhedskopi" in capsys.readouterr().out
    # at once: the second backup waits for a second of its own (wait_for_a_new_second)
    write_letter(var, "second", b"%PDF second" * 500)
    assert run(env, "backup") == 0
    out = capsys.readouterr().out
    assert "inkrementel sikkerhedskopi" in out
    # The unchanged blob file is a hard link to the snapshot before, not a second copy.
    first, second = sorted((var / "backups" / "blobstorage").iterdir())
    old = {p.relative_to(first): p.stat().st_ino for p in first.rglob("*.blob")}
    new = {p.relative_to(second): p.stat().st_ino for p in second.rglob("*.blob")}
    assert len(old) == 1 and len(new) == 2
    assert {path: new[path] for path in old} == old
    backed_up = letters(var)
    write_letter(var, "after", b"written after the backup")  # must not come back

    target = tmp_path / "restored"
    assert run(env, "restore", "--target", str(target)) == 0
    assert "Gendannet" in capsys.readouterr().out
    assert letters(target) == backed_up
    assert set(backed_up) == {"first", "second"}
    assert "after" in letters(var)


def test_a_backup_never_takes_the_name_of_one_made_in_the_same_second(monkeypatch):
    """Named by the second: a backup in the second of the one before waits for the next."""
    seconds = iter(["2026-12-07-19-49-15", "2026-12-07-19-49-15", "2026-12-07-19-49-16"])
    monkeypatch.setattr(backup, "utc_stamp", lambda: next(seconds))
    waits = []
    monkeypatch.setattr(backup.time, "sleep", waits.append)
    backup.wait_for_a_new_second({"2026-12-07-19-49-14", "2026-12-07-19-49-15"})
    assert len(waits) == 2
    assert next(seconds, None) is None


def test_a_backup_without_changes_writes_nothing_new(tmp_path, env, capsys):
    write_letter(tmp_path / "var", "first", b"x")
    assert run(env, "backup") == 0
    next_second()
    assert run(env, "backup") == 0
    assert "Ingen ændringer i Data.fs" in capsys.readouterr().out
    assert len(list((tmp_path / "var" / "backups" / "blobstorage").iterdir())) == 1


def test_restore_as_of_a_date_takes_the_backup_before_it(tmp_path, env):
    var = tmp_path / "var"
    write_letter(var, "first", b"one")
    assert run(env, "backup") == 0
    first = letters(var)
    next_second()
    between = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
    next_second()
    write_letter(var, "second", b"two")
    assert run(env, "backup") == 0
    target = tmp_path / "restored"
    assert run(env, "restore", "--target", str(target), "--date", between) == 0
    assert letters(target) == first


def test_restore_is_refused_over_an_existing_data_fs_in_danish(tmp_path, env, capsys):
    var = tmp_path / "var"
    write_letter(var, "first", b"one")
    assert run(env, "backup") == 0
    write_letter(var, "live", b"live data")
    before = (var / "filestorage" / "Data.fs").read_bytes()
    capsys.readouterr()
    assert run(env, "restore") == 2
    err = capsys.readouterr().err
    assert "Gendannelsen er afvist" in err and "FORCE=1" in err
    assert (var / "filestorage" / "Data.fs").read_bytes() == before
    assert "live" in letters(var)


def test_force_moves_the_existing_data_aside_and_restores(tmp_path, env, capsys):
    var = tmp_path / "var"
    write_letter(var, "first", b"one")
    assert run(env, "backup") == 0
    backed_up = letters(var)
    write_letter(var, "live", b"live data")
    assert run({**env, "FORCE": "1"}, "restore") == 0
    assert letters(var) == backed_up
    aside = sorted(p.name for p in (var / "filestorage").glob("Data.fs.foer-gendannelse-*"))
    assert len(aside) == 1
    assert list(var.glob("blobstorage.foer-gendannelse-*"))
    assert "Flyttet til side" in capsys.readouterr().out


def test_restore_over_a_storage_in_use_is_refused_even_with_force(tmp_path, env, capsys):
    var = tmp_path / "var"
    write_letter(var, "first", b"one")
    assert run(env, "backup") == 0
    lock = zc.lockfile.LockFile(str(var / "filestorage" / "Data.fs.lock"))
    try:
        assert run({**env, "FORCE": "1"}, "restore") == 2
    finally:
        lock.close()
    assert "er i brug" in capsys.readouterr().err


def test_backup_keep_keeps_the_newest_full_backups_and_their_blobs(tmp_path, env):
    var = tmp_path / "var"
    keep = {**env, "BACKUP_KEEP": "1", "FULL": "1"}
    write_letter(var, "first", b"one")
    assert run(keep, "backup") == 0
    next_second()
    write_letter(var, "second", b"two")
    assert run(keep, "backup") == 0
    repository = var / "backups" / "filestorage"
    assert len([p for p in repository.iterdir() if p.suffix == ".fsz"]) == 1
    assert len(list((var / "backups" / "blobstorage").iterdir())) == 1
    target = tmp_path / "restored"
    assert run(env, "restore", "--target", str(target)) == 0
    assert set(letters(target)) == {"first", "second"}


def test_pack_of_a_stopped_filestorage(tmp_path, env, capsys):
    var = tmp_path / "var"
    write_letter(var, "first", b"one")
    assert run({**env, "DAYS": "0"}, "pack") == 0
    assert "Pakningen er færdig" in capsys.readouterr().out
    assert set(letters(var)) == {"first"}


def test_pack_of_a_running_filestorage_is_refused(tmp_path, env, capsys):
    var = tmp_path / "var"
    write_letter(var, "first", b"one")
    db = open_db(var)
    try:
        assert run(env, "pack") == 2
    finally:
        db.close()
    assert "instansen stoppet" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("changes", "argv", "message"),
    [
        ({"STORAGE": "mysql"}, ["backup"], "Ukendt STORAGE='mysql'"),
        ({"STORAGE": "relstorage"}, ["backup"], "kræver RELSTORAGE_DSN"),
        ({}, ["backup"], "Der er ingen Data.fs"),
        ({"STORAGE": "zeo"}, ["backup"], "på ZEO-serverens maskine"),
        ({"BACKUP_KEEP": "alle"}, ["backup"], "BACKUP_KEEP='alle'"),
        ({}, ["restore", "--date", "7. december"], "skriv ÅÅÅÅ-MM-DD"),
        ({"FROM": "/does/not/exist"}, ["restore"], "Sikkerhedskopierne findes ikke"),
        ({"DAYS": "en uge"}, ["pack"], "skal være et antal dage"),
    ],
)
def test_refusals_are_danish_with_exit_code_2(env, changes, argv, message, capsys):
    assert run({**env, **changes}, *argv) == 2
    assert message in capsys.readouterr().err


def test_restore_without_a_backup_says_so(tmp_path, env, capsys):
    (tmp_path / "var" / "backups").mkdir(parents=True)
    assert run(env, "restore") == 2
    assert "Ingen sikkerhedskopi af Data.fs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("dsn", "expected"),
    [
        ("dbname=bos user=bos host=db", "dbname=postgres user=bos host=db"),
        ("host=db dbname='bos' port=5433", "host=db dbname=postgres port=5433"),
        ("host=db user=bos", "host=db user=bos dbname=postgres"),
        (
            "postgresql://bos@db:5433/bos?sslmode=require",
            "postgresql://bos@db:5433/postgres?sslmode=require",
        ),
    ],
)
def test_the_maintenance_database_of_a_dsn(dsn, expected):
    assert backup.dsn_with_dbname(dsn, "postgres") == expected


def test_the_database_a_dsn_names():
    assert backup.dbname_of("host=db dbname='bos' port=5433") == "bos"
    assert backup.dbname_of("postgresql://bos@db/bos_prod") == "bos_prod"
    with pytest.raises(backup.Refused, match="nævner ingen database"):
        backup.dbname_of("host=db password=secret")


def test_a_password_in_the_dsn_is_never_echoed():
    assert "secret" not in backup._shown("dbname=bos password=secret host=db")
