"""Real servers for the storage tests: a ZEO server, a PostgreSQL 15 cluster of our own, and
Zope instances (scripts/make_instance.py writes their configs; runwsgi serves them).

Everything lives in one temp directory and listens on free ports on 127.0.0.1; ``stop`` ends only
the processes started here and removes what they wrote."""

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ADMIN = ("admin", "storage-test-pw")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args} ended with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port}")


def _make_instance_module():
    spec = importlib.util.spec_from_file_location(
        "make_instance", ROOT / "scripts/make_instance.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_environment(tmp):
    """The environment of every process: no operator settings, the audit log in the temp dir."""
    env = {key: value for key, value in os.environ.items() if key not in _SETTINGS}
    env.update(INSTANCE_ENV=str(tmp / "no-instance.env"), BOS_AUDIT_DIR=str(tmp / "audit"))
    env.update(SITE_ID="Plone", ADMIN_USER=ADMIN[0], ADMIN_PASSWORD=ADMIN[1], DEMO="0")
    return env


_SETTINGS = (
    "STORAGE",
    "ZEO_ADDRESS",
    "RELSTORAGE_DSN",
    "VAR_DIR",
    "PORT",
    "HOST",
    "PRODUCTION",
    "INSTANCE_DIR",
    "SITE_ID",
    "ADMIN_PASSWORD",
)


class ZeoServer:
    """runzeo over a temp FileStorage with blobs (the config 'make zeoserver' uses)."""

    def __init__(self, tmp, name="zeo"):
        # ``name``: another directory, e.g. one a backup was restored into (serves its Data.fs).
        self.dir = tmp / name
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        conf = self.dir / "zeo.conf"
        self.dir.mkdir(parents=True, exist_ok=True)
        for sub in ("filestorage", "blobstorage"):
            (self.dir / sub).mkdir(exist_ok=True)
        conf.write_text(
            _make_instance_module().ZEO_CONF.format(address=self.address, var_dir=self.dir)
        )
        self.log = open(self.dir / "zeo.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "runzeo"), "-C", str(conf)], stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_for_port(self.port, self.process)

    def settings(self):
        return {"STORAGE": "zeo", "ZEO_ADDRESS": self.address}

    def stop(self):
        stop_process(self.process)
        self.log.close()


class Postgres:
    """An own PostgreSQL 15 cluster (initdb, pg_ctl) in the temp dir on a free port. initdb
    refuses to run as root: then the cluster belongs to the unprivileged user 'postgres'."""

    def __init__(self, tmp):
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"{PG_BIN}/initdb missing: run 'make postgresql'")
        self.dir = tmp / "postgres"
        self.data = self.dir / "data"
        self.port = free_port()
        self.dir.mkdir(parents=True)
        self.as_user = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            tmp.chmod(0o755)
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
        )
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "pg.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        self.run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "bos",
        )
        self.dsn = f"dbname=bos user=postgres host=127.0.0.1 port={self.port}"

    def run(self, *command):
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, cwd=self.dir)

    def settings(self):
        return {"STORAGE": "relstorage", "RELSTORAGE_DSN": self.dsn}

    def stop(self):
        subprocess.run(
            [
                *self.as_user,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            capture_output=True,
            cwd=self.dir,
        )


class Instance:
    """One Zope instance on the shared storage: its own instance/etc and var/ (blob cache, logs)."""

    def __init__(self, tmp, name, storage_settings):
        self.tmp = tmp
        self.dir = tmp / name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/Plone"
        self.env = base_environment(tmp)
        self.env.update(storage_settings)
        self.env.update(
            INSTANCE_DIR=str(self.dir),
            VAR_DIR=str(self.dir / "var"),
            HOST="127.0.0.1",
            PORT=str(self.port),
        )
        subprocess.run(
            [sys.executable, str(ROOT / "scripts/make_instance.py")],
            env=self.env,
            check=True,
            capture_output=True,
        )
        self.conf = self.dir / "etc" / "zope.conf"
        self.process = None

    def zconsole(self, script, timeout=600, **env):
        """Run a zconsole script (a client of its own) on this instance's config."""
        return subprocess.run(
            [str(BIN / "zconsole"), "run", str(self.conf), str(ROOT / "scripts" / script)],
            env={**self.env, **env},
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def serve(self):
        self.log = open(self.dir / "wsgi.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "runwsgi"), str(self.dir / "etc" / "zope.ini")],
            env=self.env,
            cwd=self.dir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.session().get(self.base, timeout=30).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.base} does not answer")

    def session(self):
        session = requests.Session()
        session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        session.auth = ADMIN
        session.base = self.base
        return session

    def stop(self):
        if self.process is not None:
            stop_process(self.process)
            self.log.close()


def stop_process(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def remove(tmp):
    """Remove the temp dir (BOS_STORAGE_KEEP=1 keeps it, with the logs, to look into a failure)."""
    if os.environ.get("BOS_STORAGE_KEEP"):
        print(f"Kept {tmp}")
        return
    shutil.rmtree(tmp, ignore_errors=True)
