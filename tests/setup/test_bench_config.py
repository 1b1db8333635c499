"""The bench writes its instance with scripts/make_instance.py's functions: they must fit."""

from benchmarks import zope_env


def test_the_bench_configuration_is_written(tmp_path, monkeypatch):
    etc = tmp_path / "etc"
    monkeypatch.setattr(zope_env, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(zope_env, "ETC", etc)
    monkeypatch.setattr(zope_env, "ZOPE_CONF", etc / "zope.conf")
    monkeypatch.setattr(zope_env, "ZOPE_INI", etc / "zope.ini")
    conf = zope_env.write_config(port=8099)
    text = conf.read_text()
    assert f"path {tmp_path}/filestorage/Data.fs" in text
    assert "threads = 1" in (etc / "zope.ini").read_text()
    assert (etc / "site.zcml").exists()
