"""deploy/: the systemd units and settings files of the production guide work with this checkout."""

import configparser
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCRIPT = ROOT / "scripts" / "make_instance.py"
CHECKOUT = "/srv/bos"
#: Settings the product reads besides make_instance.py's own (see README, Configuration).
READ_ELSEWHERE = {
    "ADMIN_PASSWORD",
    "DEMO",
    "SECURE_COOKIES",
    "BOS_AUDIT_DIR",
    "BACKUP_DIR",
    "BACKUP_KEEP",
}


def make_instance_keys():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import make_instance
    finally:
        sys.path.pop(0)
    return set(make_instance.DEFAULTS)


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def env_file(path):
    return dict(
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


UNITS = ["bos-zeo.service", "bos-instance@.service", "bos-jobs.service", "bos-backup.service"]


@pytest.mark.parametrize("name", sorted(p.name for p in (DEPLOY / "env").glob("*.env")))
def test_every_setting_in_the_example_files_is_one_the_product_reads(name):
    unknown = set(env_file(DEPLOY / "env" / name)) - make_instance_keys() - READ_ELSEWHERE
    assert not unknown, f"{name}: {unknown}"


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_programs_of_this_checkout(name):
    command = shlex.split(unit(name)["Service"]["ExecStart"])
    for word in command:
        if word.startswith(CHECKOUT + "/.venv/bin/"):
            assert (ROOT / ".venv" / "bin" / Path(word).name).exists(), word
        elif word.endswith(".py"):
            assert (ROOT / word).is_file(), word
    assert command[1:3] == ["scripts/make_instance.py", "--run"]


@pytest.mark.parametrize(
    "name,env_name",
    [
        ("bos-zeo.service", "zeo.env"),
        ("bos-instance@.service", "instance-1.env"),
        ("bos-jobs.service", "jobs.env"),
        ("bos-backup.service", "zeo.env"),
    ],
)
def test_a_units_command_runs_with_its_settings_file(tmp_path, name, env_name):
    """Written once by 'make instance' with the example settings, the unit's command line (the
    program replaced by 'echo') names the configuration written for it."""
    settings = env_file(DEPLOY / "env" / env_name)
    settings["VAR_DIR"] = str(tmp_path / "var")
    (tmp_path / "the.env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    environment = {k: v for k, v in os.environ.items() if k not in make_instance_keys()}
    environment.update(INSTANCE_ENV=str(tmp_path / "the.env"), INSTANCE_DIR=str(tmp_path / "inst"))
    written = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={**environment, "ADMIN_PASSWORD": "a-real-secret"},
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stderr
    command = shlex.split(unit(name)["Service"]["ExecStart"])
    ran = subprocess.run(
        [sys.executable, str(SCRIPT), "--run", "echo", *command[3:]],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stderr
    etc = tmp_path / "inst" / "etc"
    for word in ran.stdout.split():
        if "/etc/" in word and word.startswith(str(tmp_path)):
            assert Path(word).is_file(), word
    if "{etc}" in unit(name)["Service"]["ExecStart"]:
        assert str(etc) in ran.stdout
    if name.startswith("bos-instance"):
        ini = (etc / "zope.ini").read_text()
        assert f"listen = 127.0.0.1:{settings['PORT']}" in ini
        assert f"threads = {settings['THREADS']}" in ini


@pytest.mark.parametrize(
    "name,when", [("bos-jobs.timer", "*-*-* 00:10:00"), ("bos-backup.timer", "*-*-* 02:30:00")]
)
def test_the_timers_run_nightly(name, when):
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(DEPLOY / "systemd" / name)
    assert timer["Timer"]["OnCalendar"] == when
    assert timer["Timer"]["Persistent"] == "true"
