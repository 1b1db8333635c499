"""scripts/make_instance.py writes a zope.conf per storage choice."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def render(tmp_path, **env):
    environment = dict(
        os.environ, INSTANCE_DIR=str(tmp_path / "inst"), VAR_DIR=str(tmp_path / "var")
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
