"""instance.env, the operator's settings: every make target reads it, and only an explicit
'make instance' rewrites instance/etc/ (a cron 'make jobs' uses the storage the site is served
from)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = str(ROOT / "scripts" / "make_instance.py")
KEYS = ("STORAGE", "ZEO_ADDRESS", "RELSTORAGE_DSN", "PORT", "HOST", "SITE_ID", "ADMIN_USER")
SHOW = 'echo "$STORAGE|$ZEO_ADDRESS|$RELSTORAGE_DSN|$PORT|$SITE_ID|$ADMIN_PASSWORD"'


def call(tmp_path, *args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in KEYS}
    environment.pop("PRODUCTION", None)
    environment.update(
        INSTANCE_DIR=str(tmp_path / "inst"),
        VAR_DIR=str(tmp_path / "var"),
        INSTANCE_ENV=str(tmp_path / "instance.env"),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, SCRIPT, *args], env=environment, capture_output=True, text=True
    )


def shown(tmp_path, **env):
    result = call(tmp_path, "--run", "sh", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def conf(tmp_path):
    return (tmp_path / "inst" / "etc" / "zope.conf").read_text()


def test_a_fresh_machine_without_instance_env_gets_filestorage(tmp_path):
    assert shown(tmp_path) == "filestorage|localhost:8100||8080|Plone|"
    assert "<filestorage>" in conf(tmp_path)


def test_instance_env_is_read_and_the_environment_overrides_it_for_one_call(tmp_path):
    (tmp_path / "instance.env").write_text(
        "# the operator's file\n"
        "STORAGE=zeo\n"
        "ZEO_ADDRESS=zeo.example.invalid:8100\n"
        "export SITE_ID=bos\n"
        "ADMIN_PASSWORD='a $secret # with signs'\n"
        "\n"
    )
    assert shown(tmp_path) == "zeo|zeo.example.invalid:8100||8080|bos|a $secret # with signs"
    assert "server zeo.example.invalid:8100" in conf(tmp_path)
    assert (
        shown(tmp_path, SITE_ID="other")
        == "zeo|zeo.example.invalid:8100||8080|other|a $secret # with signs"
    )


def test_a_cron_job_without_the_variables_uses_the_served_storage(tmp_path):
    """The instance was written for ZEO from the environment (no instance.env): a later call
    without the storage variables (the README's cron line) runs on ZEO and leaves etc/ as it is."""
    result = call(tmp_path, STORAGE="zeo", ZEO_ADDRESS="zeo.example.invalid:8100", PORT="9090")
    assert result.returncode == 0, result.stderr
    before = conf(tmp_path)
    assert shown(tmp_path) == "zeo|zeo.example.invalid:8100||9090|Plone|"
    assert conf(tmp_path) == before


def test_other_storage_settings_are_refused_until_make_instance(tmp_path):
    assert shown(tmp_path).startswith("filestorage|")
    (tmp_path / "instance.env").write_text("STORAGE=relstorage\nRELSTORAGE_DSN=dbname=bos\n")
    result = call(tmp_path, "--run", "true")
    assert result.returncode == 2
    assert "STORAGE=relstorage (instance.env); instance/etc/ has filestorage" in result.stderr
    assert "make instance" in result.stderr
    assert "<filestorage>" in conf(tmp_path)  # untouched
    result = call(tmp_path, "--run", "true", PORT="9999")
    assert result.returncode == 2 and "PORT=9999 (the environment)" in result.stderr
    assert call(tmp_path).returncode == 0  # 'make instance': the explicit rewrite
    assert "dsn dbname=bos" in conf(tmp_path)
    assert shown(tmp_path) == "relstorage|localhost:8100|dbname=bos|8080|Plone|"


def test_an_instance_written_before_instance_env_keeps_its_storage(tmp_path):
    """instance/etc/ written by the older script (no settings.env): read back from its files."""
    assert (
        call(tmp_path, STORAGE="zeo", ZEO_ADDRESS="old.invalid:8100", PORT="8181").returncode == 0
    )
    (tmp_path / "inst" / "etc" / "settings.env").unlink()
    assert shown(tmp_path) == "zeo|old.invalid:8100||8181|Plone|"
    assert not (tmp_path / "inst" / "etc" / "settings.env").exists()


def test_threads_are_the_operators_setting_and_written_into_zope_ini(tmp_path):
    (tmp_path / "instance.env").write_text("THREADS=8\n")
    result = call(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "threads = 8" in (tmp_path / "inst" / "etc" / "zope.ini").read_text()
    # Another thread count later is a change of the configuration: only 'make instance' makes it.
    refused = call(tmp_path, "--run", "true", THREADS="2")
    assert refused.returncode == 2
    assert "THREADS" in refused.stderr


def test_run_names_the_instances_etc_for_the_command(tmp_path):
    """'{etc}' in a make target's command is the etc/ of INSTANCE_DIR (one per systemd instance)."""
    result = call(tmp_path, "--run", "sh", "-c", 'echo "$0"', "{etc}/zope.ini")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "inst" / "etc" / "zope.ini")


def test_the_logs_follow_logrotate(tmp_path):
    """The access and event logs are reopened when logrotate has moved them (no copytruncate)."""
    result = call(tmp_path)
    assert result.returncode == 0, result.stderr
    ini = (tmp_path / "inst" / "etc" / "zope.ini").read_text()
    assert ini.count("class = handlers.WatchedFileHandler") == 2
    assert "class = FileHandler" not in ini
    # The logging sections load as the WSGI server loads them, and write to the event log.
    load = (
        "import logging, logging.config, sys; logging.config.fileConfig(sys.argv[1]); "
        "logging.getLogger('os2bos_plone').warning('rotation check')"
    )
    subprocess.run(
        [sys.executable, "-c", load, str(tmp_path / "inst" / "etc" / "zope.ini")], check=True
    )
    assert "rotation check" in (tmp_path / "var" / "log" / "event.log").read_text()
