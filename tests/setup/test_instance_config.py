"""scripts/make_instance.py writes a zope.conf per storage choice."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def render(tmp_path, **env):
    environment = dict(
        os.environ,
        INSTANCE_DIR=str(tmp_path / "inst"),
        VAR_DIR=str(tmp_path / "var"),
        INSTANCE_ENV=str(tmp_path / "no-instance.env"),
    )
    environment.update(env)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_instance.py")],
        env=environment,
        capture_output=True,
        text=True,
    )
    return result, tmp_path / "inst" / "etc"


def test_default_is_filestorage_with_blobs_under_var(tmp_path):
    result, etc = render(tmp_path, PORT="9123")
    assert result.returncode == 0, result.stderr
    conf = (etc / "zope.conf").read_text()
    assert f"path {tmp_path}/var/filestorage/Data.fs" in conf
    assert f"blob-dir {tmp_path}/var/blobstorage" in conf
    assert "<blobstorage>" in conf
    assert "zope_i18n_compile_mo_files true" in conf
    assert "listen = localhost:9123" in (etc / "zope.ini").read_text()
    assert (tmp_path / "var" / "blobstorage").is_dir()


def test_zeo_client(tmp_path):
    result, etc = render(tmp_path, STORAGE="zeo", ZEO_ADDRESS="zeo.example.invalid:8100")
    conf = (etc / "zope.conf").read_text()
    assert "%import ZEO" in conf
    assert "server zeo.example.invalid:8100" in conf
    assert "address zeo.example.invalid:8100" in (etc / "zeo.conf").read_text()


def test_relstorage_needs_dsn(tmp_path):
    result, _ = render(tmp_path, STORAGE="relstorage", RELSTORAGE_DSN="")
    assert result.returncode != 0
    assert "RELSTORAGE_DSN" in result.stderr
    result, etc = render(tmp_path, STORAGE="relstorage", RELSTORAGE_DSN="dbname=bos user=bos")
    conf = (etc / "zope.conf").read_text()
    assert "%import relstorage" in conf and "dsn dbname=bos user=bos" in conf


def test_unknown_storage_refused(tmp_path):
    result, _ = render(tmp_path, STORAGE="floppy")
    assert result.returncode != 0
    assert "Unknown STORAGE" in result.stderr


def production(tmp_path, monkeypatch, **env):
    # The test run's own environment does not count.
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO", raising=False)
    return render(tmp_path, PRODUCTION="1", **env)


def test_production_refuses_the_default_admin_password(tmp_path, monkeypatch):
    for password in ({}, {"ADMIN_PASSWORD": "admin"}, {"ADMIN_PASSWORD": ""}):
        result, etc = production(tmp_path, monkeypatch, **password)
        assert result.returncode != 0
        assert "standardkoden »admin«" in result.stderr
        assert "ADMIN_PASSWORD" in result.stderr
        assert not (etc / "zope.conf").exists()  # nothing written, nothing started


def test_production_refuses_demo_data(tmp_path, monkeypatch):
    result, etc = production(tmp_path, monkeypatch, ADMIN_PASSWORD="hemmelig-og-lang", DEMO="1")
    assert result.returncode != 0
    assert "DEMO=0" in result.stderr and "demodata" in result.stderr
    assert not (etc / "zope.conf").exists()


def test_production_with_a_real_password_starts(tmp_path, monkeypatch):
    result, etc = production(tmp_path, monkeypatch, ADMIN_PASSWORD="hemmelig-og-lang")
    assert result.returncode == 0, result.stderr
    assert (etc / "zope.conf").exists()
    result, etc = production(tmp_path, monkeypatch, ADMIN_PASSWORD="hemmelig-og-lang", DEMO="0")
    assert result.returncode == 0, result.stderr


def test_a_trial_start_keeps_the_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("PRODUCTION", raising=False)
    result, etc = render(tmp_path, ADMIN_PASSWORD="admin")
    assert result.returncode == 0, result.stderr


def test_create_site_refuses_before_touching_the_database(monkeypatch):
    """scripts/create_site.py (zconsole run) checks the same rule before anything else."""
    from os2bos_plone.setuphandlers.production import production_refusals
    from os2bos_plone.setuphandlers.production import wants_demo

    monkeypatch.setenv("PRODUCTION", "1")
    monkeypatch.setenv("ADMIN_PASSWORD", "admin")
    monkeypatch.delenv("DEMO", raising=False)
    script = (ROOT / "scripts" / "create_site.py").read_text()
    touched = []

    class App:
        def __getattr__(self, name):
            touched.append(name)
            raise AssertionError(f"create_site.py touched app.{name}")

    try:
        exec(compile(script, "create_site.py", "exec"), {"__name__": "__main__", "app": App()})
    except SystemExit as exit:
        assert exit.code not in (0, None)
    else:
        raise AssertionError("create_site.py did not refuse ADMIN_PASSWORD=admin in production")
    assert touched == []
    assert production_refusals({"PRODUCTION": "1", "ADMIN_PASSWORD": "x"}) == []
    assert not wants_demo({"PRODUCTION": "1"})
    assert wants_demo({})
    assert not wants_demo({"DEMO": "0"})


def test_make_demo_is_refused_in_production(monkeypatch):
    """scripts/load_demo.py ('make demo') loads no demo users into a production site."""
    from os2bos_plone.setuphandlers.production import MSG_NO_DEMO

    monkeypatch.setenv("PRODUCTION", "1")
    script = (ROOT / "scripts" / "load_demo.py").read_text()

    class App:
        def __getattr__(self, name):
            raise AssertionError(f"load_demo.py touched app.{name}")

    try:
        exec(compile(script, "load_demo.py", "exec"), {"__name__": "__main__", "app": App()})
    except SystemExit as exit:
        assert exit.code not in (0, None)
    else:
        raise AssertionError("load_demo.py loaded demo data in production")
    assert "demodata" in MSG_NO_DEMO
