"""Backup, restore and packing of the storage ('make backup', 'make restore', 'make pack').

Run through scripts/make_instance.py --run, so it reads the same settings as every other target
(instance.env, then the environment):

  STORAGE         filestorage | zeo: the FileStorage under VAR_DIR (a ZEO server serves that same
                  VAR_DIR/filestorage/Data.fs and VAR_DIR/blobstorage: run it on the ZEO machine);
                  relstorage: the PostgreSQL database of RELSTORAGE_DSN (blobs are in the database)
  VAR_DIR         the data directory
  BACKUP_DIR      where backups are kept (VAR_DIR/backups)
  BACKUP_KEEP     how many full backups (each with its incrementals) to keep; empty or 0: all
  PG_BIN          where pg_dump, pg_restore, psql and createdb are (else the PATH)

  backup.py backup [--full]      FileStorage: repozo -B -z (incremental unless --full or FULL=1,
                                 or a pack since the last one) into BACKUP_DIR/filestorage, then a
                                 snapshot of the blobs named like repozo's file in
                                 BACKUP_DIR/blobstorage/<time>/ (unchanged blob files are hard links
                                 to the snapshot before). RelStorage: pg_dump -Fc into
                                 BACKUP_DIR/postgresql/bos-<time>.dump.
  backup.py restore [--from DIR|FILE] [--date ÅÅÅÅ-MM-DD[-TT[-MM[-SS]]]] [--target DIR|DSN]
                    [--force]    FileStorage: repozo -R into TARGET/filestorage/Data.fs (TARGET:
                                 VAR_DIR) and the blob snapshot of that backup into
                                 TARGET/blobstorage. RelStorage: pg_restore of the newest dump into
                                 the database of TARGET (a DSN; RELSTORAGE_DSN), created when
                                 it does not exist. Refused over existing data unless --force
                                 (FORCE=1), which moves an existing Data.fs and blob directory
                                 aside (a database is cleaned by pg_restore --clean).
  backup.py pack [--days N]      Pack away history older than N days (DAYS, 7): zeopack on the
                                 ZEO server, zodbpack on RelStorage, in-process on a stopped
                                 FileStorage.

Every option may also come from the environment (FULL, FROM, DATE, TARGET, FORCE, DAYS), as the
Makefile passes them. Times are UTC, as repozo names its files.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

ROOT = Path(__file__).resolve().parent.parent
#: repozo, zeopack and zodbpack: beside the Python that runs this script (the venv's bin).
VENV_BIN = Path(sys.executable).parent
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(-\d{2}){0,3}")
#: repozo's data files (full and incremental, plain or gzipped); .dat and .index go with them.
REPOZO_DATA = (".fs", ".fsz", ".deltafs", ".deltafsz")
REPOZO_FULL = (".fs", ".fsz")


class Refused(Exception):
    """The operator asked for something unsafe or impossible: a Danish message, exit code 2."""


class Failed(Exception):
    """A tool (repozo, pg_dump, ...) failed: a Danish message, exit code 1."""


def say(message):
    print(message, flush=True)


def truthy(value):
    return str(value or "").strip().lower() in ("1", "true", "yes", "ja", "on")


def utc_stamp():
    return time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())


def wait_for_a_new_second(taken):
    """Backups are named by the UTC second they are made in (repozo's files, its blob snapshots,
    the dumps): wait while this second's name is one of ``taken``, so a backup made in the same
    second as the one before it (a script run twice, a test) gets a name of its own instead of
    overwriting the dump or skipping the blobs added since."""
    while utc_stamp() in taken:
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Settings


class Settings:
    def __init__(self, environ):
        self.storage = (environ.get("STORAGE") or "filestorage").strip()
        if self.storage not in ("filestorage", "zeo", "relstorage"):
            raise Refused(
                f"Ukendt STORAGE={self.storage!r}: brug filestorage, zeo eller relstorage."
            )
        self.var_dir = Path(environ.get("VAR_DIR") or ROOT / "var").resolve()
        self.backup_dir = Path(environ.get("BACKUP_DIR") or self.var_dir / "backups").resolve()
        self.dsn = (environ.get("RELSTORAGE_DSN") or "").strip()
        self.zeo_address = (environ.get("ZEO_ADDRESS") or "localhost:8100").strip()
        self.pg_bin = environ.get("PG_BIN") or ""
        keep = (environ.get("BACKUP_KEEP") or "").strip()
        if keep and not keep.isdigit():
            raise Refused(f"BACKUP_KEEP={keep!r} skal være et antal (0 eller tom: behold alle).")
        self.keep = int(keep or 0)
        if self.storage == "relstorage" and not self.dsn:
            raise Refused("STORAGE=relstorage kræver RELSTORAGE_DSN (en libpq-forbindelsesstreng).")

    @property
    def filestorage(self):
        return self.storage in ("filestorage", "zeo")


def data_fs(var_dir):
    return Path(var_dir) / "filestorage" / "Data.fs"


def blob_dir(var_dir):
    return Path(var_dir) / "blobstorage"


# ---------------------------------------------------------------------------------------------
# Tools


def run(command, what, **kwargs):
    """Run a tool; a failure is Failed with its output, in Danish."""
    say("  $ " + " ".join(_shown(part) for part in command))
    result = subprocess.run(command, text=True, capture_output=True, **kwargs)
    if result.stdout.strip():
        say(result.stdout.rstrip())
    if result.returncode != 0:
        raise Failed(
            f"{what} fejlede (exitkode {result.returncode}):\n{result.stderr.strip()}".rstrip()
        )
    if result.stderr.strip():
        print(result.stderr.rstrip(), file=sys.stderr, flush=True)
    return result


def _shown(part):
    # A DSN may carry a password: never echo it.
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", str(part))


def venv_tool(name):
    path = VENV_BIN / name
    if not path.exists():
        raise Refused(f"{name} findes ikke i {VENV_BIN}: kør 'make install'.")
    return str(path)


def pg_tool(settings, name):
    if settings.pg_bin:
        path = Path(settings.pg_bin) / name
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if found:
        return found
    raise Refused(
        f"{name} findes ikke: installér PostgreSQL-klienten (postgresql-client, samme hovedversion "
        "som serveren eller nyere) eller sæt PG_BIN til mappen med den."
    )


# ---------------------------------------------------------------------------------------------
# FileStorage (and the ZEO server's FileStorage): repozo plus the blobs


def repozo_files(repository):
    """repozo's data files in ``repository``, oldest first: [(stem, suffix)]."""
    if not repository.is_dir():
        return []
    found = []
    for path in repository.iterdir():
        if path.suffix in REPOZO_DATA and STAMP.fullmatch(path.stem):
            found.append((path.stem, path.suffix))
    return sorted(found)


def snapshots(blobs_root):
    """The complete blob snapshots, oldest first (names are repozo's time stamps)."""
    if not blobs_root.is_dir():
        return []
    return sorted(p.name for p in blobs_root.iterdir() if p.is_dir() and STAMP.fullmatch(p.name))


def copy_blobs(source, target, previous=None):
    """Copy the blob directory ``source`` to ``target``; a file of the same size in ``previous``
    (the snapshot before) is hard-linked instead: ZODB never changes a blob file once written."""
    count = linked = 0
    for folder, dirs, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        if relative == Path("."):
            dirs[:] = [d for d in dirs if d != "tmp"]  # uncommitted uploads
        (target / relative).mkdir(parents=True, exist_ok=True)
        shutil.copystat(folder, target / relative)
        for name in files:
            src, dst = Path(folder) / name, target / relative / name
            before = previous / relative / name if previous is not None else None
            same = before is not None and before.is_file()
            if same and before.stat().st_size == src.stat().st_size:
                try:
                    os.link(before, dst)
                    linked += 1
                    count += 1
                    continue
                except OSError:
                    pass  # another file system: copy
            shutil.copy2(src, dst)
            count += 1
    return count, linked


def backup_filestorage(settings, full):
    source = data_fs(settings.var_dir)
    if not source.is_file():
        where = "ZEO-serverens" if settings.storage == "zeo" else "instansens"
        raise Refused(
            f"Der er ingen Data.fs i {source.parent}. Kør 'make backup' på {where} maskine med "
            "dens VAR_DIR (se instance.env)."
        )
    repository = settings.backup_dir / "filestorage"
    blobs_root = settings.backup_dir / "blobstorage"
    repository.mkdir(parents=True, exist_ok=True)
    blobs_root.mkdir(parents=True, exist_ok=True)
    before = repozo_files(repository)
    wait_for_a_new_second({stem for stem, _suffix in before} | set(snapshots(blobs_root)))
    # Data.fs first, then the blobs: every blob the backed-up transactions name is then in the
    # snapshot (blob files are only ever added, until a pack removes unreferenced ones).
    say(f"Sikkerhedskopierer {source} med repozo til {repository} ...")
    command = [venv_tool("repozo"), "-B", "-z", "-r", str(repository), "-f", str(source)]
    if full:
        command.append("-F")
    run(command, "repozo (sikkerhedskopi af Data.fs)")
    after = repozo_files(repository)
    if not after:
        raise Failed(f"repozo skrev ingen fil i {repository}.")
    stem, suffix = after[-1]
    kind = "fuld" if suffix in REPOZO_FULL else "inkrementel"
    if after == before:
        say("Ingen ændringer i Data.fs siden sidste sikkerhedskopi: intet nyt skrevet.")
    else:
        say(f"Data.fs: {kind} sikkerhedskopi {stem}{suffix}.")
    blobs = blob_dir(settings.var_dir)
    done = snapshots(blobs_root)
    if stem in done:
        say(f"Blobs: kopien {blobs_root / stem} findes allerede.")
    elif not blobs.is_dir():
        raise Refused(f"Blob-mappen {blobs} findes ikke: Data.fs og blobs hører sammen.")
    else:
        partial = blobs_root / f"{stem}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        previous = blobs_root / done[-1] if done else None
        say(f"Kopierer blobs fra {blobs} til {blobs_root / stem} ...")
        count, linked = copy_blobs(blobs, partial, previous)
        partial.rename(blobs_root / stem)  # complete only once renamed
        previous_name = done[-1] if done else "-"
        say(f"Blobs: {count} filer ({linked} uændrede som hårde links til {previous_name}).")
    prune_filestorage(settings, repository, blobs_root)
    say(f"Sikkerhedskopien er færdig: {settings.backup_dir}")


def prune_filestorage(settings, repository, blobs_root):
    """Keep the newest BACKUP_KEEP full backups with their incrementals, and their blobs."""
    files = repozo_files(repository)
    fulls = [stem for stem, suffix in files if suffix in REPOZO_FULL]
    if settings.keep and len(fulls) > settings.keep:
        oldest_kept = fulls[-settings.keep]
        for path in sorted(repository.iterdir()):
            if STAMP.fullmatch(path.stem) and path.stem < oldest_kept:
                path.unlink()
        for name in snapshots(blobs_root):
            if name < oldest_kept:
                shutil.rmtree(blobs_root / name)
        say(
            f"Oprydning: beholder de {settings.keep} nyeste fulde sikkerhedskopier "
            f"(fra {oldest_kept})."
        )
    # A snapshot left by an interrupted run is never complete.
    for leftover in blobs_root.glob("*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)


def check_not_running(target_fs):
    """Refuse when a process holds the FileStorage's lock (an instance or a ZEO server)."""
    lock = target_fs.with_name(target_fs.name + ".lock")
    if not lock.exists():
        return
    import zc.lockfile

    try:
        zc.lockfile.LockFile(str(lock)).close()
    except zc.lockfile.LockError:
        raise Refused(
            f"{target_fs} er i brug (en instans eller ZEO-server kører på den). Stop den først."
        ) from None


def restore_filestorage(settings, source, when, target, force):
    repository = source / "filestorage"
    blobs_root = source / "blobstorage"
    files = [(s, suffix) for s, suffix in repozo_files(repository) if not when or s <= when]
    if not files:
        at = f" fra før {when}" if when else ""
        raise Refused(f"Ingen sikkerhedskopi af Data.fs{at} i {repository}.")
    stem = files[-1][0]
    # The blob snapshot taken right after that Data.fs backup; a later one holds its blobs too.
    later = [name for name in snapshots(blobs_root) if name >= stem]
    if not later:
        raise Refused(f"Ingen kopi af blobs fra {stem} eller senere i {blobs_root}.")
    snapshot = blobs_root / later[0]
    target_fs, target_blobs = data_fs(target), blob_dir(target)
    existing = [p for p in (target_fs,) if p.exists()]
    if target_blobs.is_dir() and any(target_blobs.iterdir()):
        existing.append(target_blobs)
    if existing:
        check_not_running(target_fs)
        if not force:
            raise Refused(
                "Gendannelsen er afvist: der er allerede data i "
                + ", ".join(str(p) for p in existing)
                + ". Gendan i en ny VAR_DIR (TARGET=<mappe>), eller brug FORCE=1 for at flytte"
                " de nuværende data til side og gendanne i stedet."
            )
        aside = f".foer-gendannelse-{utc_stamp()}"
        for path in existing:
            path.rename(path.with_name(path.name + aside))
            say(f"Flyttet til side: {path.with_name(path.name + aside)}")
        for extra in (".index", ".tmp", ".lock"):
            stale = target_fs.with_name(target_fs.name + extra)
            if stale.exists():
                stale.unlink()
    target_fs.parent.mkdir(parents=True, exist_ok=True)
    say(f"Gendanner Data.fs fra {repository} (sikkerhedskopien {stem}) til {target_fs} ...")
    command = [venv_tool("repozo"), "-R", "-w", "-r", str(repository), "-o", str(target_fs)]
    if when:
        command += ["-D", when]
    run(command, "repozo (gendannelse af Data.fs)")
    if target_blobs.exists():
        target_blobs.rmdir()  # empty (checked above)
    say(f"Gendanner blobs fra {snapshot} til {target_blobs} ...")
    shutil.copytree(snapshot, target_blobs, copy_function=shutil.copy2)
    say(f"Gendannet: {target_fs} og {target_blobs}. Start instansen (eller ZEO-serveren) på dem.")


def pack_filestorage(settings, days):
    if settings.storage == "zeo":
        say(f"Pakker ZEO-serverens database på {settings.zeo_address} (beholder {days} dage) ...")
        run([venv_tool("zeopack"), "-d", str(days), settings.zeo_address], "zeopack")
        say("Pakningen er færdig.")
        return
    target_fs = data_fs(settings.var_dir)
    if not target_fs.is_file():
        raise Refused(f"Der er ingen Data.fs i {target_fs.parent}.")
    import zc.lockfile
    from ZODB.FileStorage import FileStorage
    from ZODB.serialize import referencesf

    say(f"Pakker {target_fs} (beholder {days} dage) ...")
    try:
        storage = FileStorage(str(target_fs), blob_dir=str(blob_dir(settings.var_dir)))
    except zc.lockfile.LockError:
        raise Refused(
            f"{target_fs} er i brug: en FileStorage pakkes med instansen stoppet "
            "(eller brug ZEO, som pakkes mens den kører)."
        ) from None
    try:
        storage.pack(time.time() - days * 86400, referencesf)
    finally:
        storage.close()
    say("Pakningen er færdig.")


# ---------------------------------------------------------------------------------------------
# RelStorage on PostgreSQL: pg_dump and pg_restore


def dsn_with_dbname(dsn, dbname):
    """``dsn`` (key=value or a postgresql:// URI) naming another database."""
    if dsn.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(dsn)
        return urlunsplit(parts._replace(path="/" + dbname))
    pattern = re.compile(r"(^|\s)dbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
    if pattern.search(dsn):
        return pattern.sub(lambda m: f"{m.group(1)}dbname={dbname}", dsn, count=1)
    return f"{dsn} dbname={dbname}".strip()


def dbname_of(dsn):
    if dsn.startswith(("postgresql://", "postgres://")):
        name = urlsplit(dsn).path.lstrip("/")
    else:
        match = re.search(r"(?:^|\s)dbname\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", dsn)
        name = match.group(1).strip("'") if match else ""
    if not name:
        raise Refused(f"Forbindelsesstrengen {_shown(dsn)!r} nævner ingen database (dbname=...).")
    return name


def dumps(folder):
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("bos-*.dump"):
        stem = path.stem[len("bos-") :]
        if STAMP.fullmatch(stem):
            found.append((stem, path))
    return sorted(found)


def backup_relstorage(settings):
    folder = settings.backup_dir / "postgresql"
    folder.mkdir(parents=True, exist_ok=True)
    wait_for_a_new_second({stem for stem, _path in dumps(folder)})
    stem = utc_stamp()
    target = folder / f"bos-{stem}.dump"
    partial = folder / f"bos-{stem}.dump.partial"
    say(f"Sikkerhedskopierer databasen ({dbname_of(settings.dsn)}) med pg_dump til {target} ...")
    # pg_dump reads one consistent snapshot while the instances keep writing; -Fc is compressed
    # and restores with pg_restore. The blobs are rows of the database (shared-blob-dir false).
    try:
        run(
            [pg_tool(settings, "pg_dump"), "-Fc", "-f", str(partial), "-d", settings.dsn],
            "pg_dump",
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    say(f"Databasen: {target} ({target.stat().st_size} bytes).")
    existing = dumps(folder)
    if settings.keep and len(existing) > settings.keep:
        for _stem, path in existing[: -settings.keep]:
            path.unlink()
        say(f"Oprydning: beholder de {settings.keep} nyeste sikkerhedskopier.")
    say(f"Sikkerhedskopien er færdig: {settings.backup_dir}")


def psql(settings, dsn, sql, **variables):
    command = [pg_tool(settings, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", dsn]
    for key, value in variables.items():
        command += ["-v", f"{key}={value}"]
    # SQL on stdin: psql interpolates :'name' there (not in -c).
    return subprocess.run(command, input=sql, text=True, capture_output=True)


def restore_relstorage(settings, source, when, target_dsn, force):
    if source.is_file():
        dump = source
    else:
        found = [(s, p) for s, p in dumps(source / "postgresql") if not when or s <= when]
        if not found:
            at = f" fra før {when}" if when else ""
            raise Refused(f"Ingen sikkerhedskopi af databasen{at} i {source / 'postgresql'}.")
        dump = found[-1][1]
    name = dbname_of(target_dsn)
    tables = psql(
        settings,
        target_dsn,
        "select count(*) from pg_catalog.pg_tables where schemaname = 'public';",
    )
    if tables.returncode != 0:
        # No such database (or no access): ask the server's maintenance database, then create it.
        maintenance = dsn_with_dbname(target_dsn, "postgres")
        known = psql(
            settings,
            maintenance,
            "select count(*) from pg_catalog.pg_database where datname = :'name';",
            name=name,
        )
        if known.returncode != 0 or known.stdout.strip() != "0":
            raise Failed(
                f"Kan ikke forbinde til databasen {name}:\n{tables.stderr.strip()}".rstrip()
            )
        say(f"Opretter databasen {name} ...")
        run(
            [pg_tool(settings, "createdb"), f"--maintenance-db={maintenance}", name],
            "createdb",
        )
        count = 0
    else:
        count = int(tables.stdout.strip() or 0)
    if count and not force:
        raise Refused(
            f"Gendannelsen er afvist: databasen {name} har allerede {count} tabeller. Gendan i en "
            "ny database (TARGET=<forbindelsesstreng>, eller en tom database i RELSTORAGE_DSN), "
            "eller brug FORCE=1 for at erstatte indholdet (stop instanserne først)."
        )
    say(f"Gendanner {dump} i databasen {name} med pg_restore ...")
    command = [
        pg_tool(settings, "pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "-d",
        target_dsn,
    ]
    if count:
        command += ["--clean", "--if-exists"]
    run([*command, str(dump)], "pg_restore")
    say(f"Gendannet: databasen {name}. Start instanserne på den (RELSTORAGE_DSN).")


def pack_relstorage(settings, days):
    dsn = settings.dsn.replace("\\", "\\\\")
    conf = f"""%import relstorage
<relstorage>
  keep-history false
  pack-gc true
  shared-blob-dir false
  blob-dir {settings.var_dir}/blobcache
  <postgresql>
    dsn {dsn}
  </postgresql>
</relstorage>
"""
    say(f"Pakker databasen ({dbname_of(settings.dsn)}) med zodbpack ...")
    with tempfile.NamedTemporaryFile("w", suffix=".conf", prefix="zodbpack-") as handle:
        handle.write(conf)
        handle.flush()
        # History-free: packing collects the objects nothing refers to any more (days are moot).
        run([venv_tool("zodbpack"), "-d", str(days), handle.name], "zodbpack")
    say("Pakningen er færdig.")


# ---------------------------------------------------------------------------------------------
# Command line


def parser():
    root = argparse.ArgumentParser(
        prog="backup.py", description="Sikkerhedskopi, gendannelse og pakning af databasen."
    )
    commands = root.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="tag en sikkerhedskopi")
    backup.add_argument("--full", action="store_true", help="en fuld sikkerhedskopi (FULL=1)")
    restore = commands.add_parser("restore", help="gendan fra en sikkerhedskopi")
    restore.add_argument("--from", dest="source", help="mappen med sikkerhedskopierne (FROM)")
    restore.add_argument("--date", help="tilstanden pr. ÅÅÅÅ-MM-DD[-TT[-MM[-SS]]] UTC (DATE)")
    restore.add_argument("--target", help="en anden VAR_DIR eller database (TARGET)")
    restore.add_argument("--force", action="store_true", help="gendan over data (FORCE=1)")
    pack = commands.add_parser("pack", help="pak databasen")
    pack.add_argument("--days", help="dage historik der beholdes (DAYS, 7)")
    return root


def main(argv=None, environ=None):
    environ = dict(os.environ if environ is None else environ)
    args = parser().parse_args(argv)
    try:
        settings = Settings(environ)
        if args.command == "backup":
            full = args.full or truthy(environ.get("FULL"))
            if settings.filestorage:
                backup_filestorage(settings, full)
            else:
                backup_relstorage(settings)
        elif args.command == "restore":
            when = (args.date or environ.get("DATE") or "").strip()
            if when and not DATE.fullmatch(when):
                raise Refused(f"DATE={when!r}: skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD-TT-MM-SS (UTC).")
            source = Path(args.source or environ.get("FROM") or settings.backup_dir).resolve()
            if not source.exists():
                raise Refused(f"Sikkerhedskopierne findes ikke: {source}.")
            target = (args.target or environ.get("TARGET") or "").strip()
            force = args.force or truthy(environ.get("FORCE"))
            if settings.filestorage:
                target_dir = Path(target).resolve() if target else settings.var_dir
                restore_filestorage(settings, source, when, target_dir, force)
            else:
                restore_relstorage(settings, source, when, target or settings.dsn, force)
        else:
            days = (args.days or environ.get("DAYS") or "7").strip()
            if not days.isdigit():
                raise Refused(f"DAYS={days!r} skal være et antal dage.")
            if settings.filestorage:
                pack_filestorage(settings, int(days))
            else:
                pack_relstorage(settings, int(days))
    except Refused as error:
        print(f"Fejl: {error}", file=sys.stderr)
        return 2
    except Failed as error:
        print(f"Fejl: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
