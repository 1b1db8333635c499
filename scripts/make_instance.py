"""The Zope WSGI instance configuration (instance/etc/), written from the operator's settings.

The settings, each overriding the one before:

  1. the defaults below;
  2. what instance/etc/ was last written with (instance/etc/settings.env), so a later call without
     any settings uses the storage, port and site the instance serves;
  3. instance.env in the repository (KEY=VALUE lines, the operator's own file, not committed;
     see instance.env.example; INSTANCE_ENV names another file);
  4. the environment, for one call.

  make_instance.py               write instance/etc/ from 1, 3 and 4 ('make instance', explicit)
  make_instance.py --ensure      write it only when it does not exist; when it does, refuse (exit 2)
                                 if instance.env or the environment asks for another storage, port
                                 or data directory than it was written with: never rewritten behind
                                 the operator's back (a cron 'make jobs' uses the served storage)
  make_instance.py --run CMD...  --ensure, then run CMD with the settings in its environment (every
                                 make target that uses the instance); "{etc}" in CMD is the
                                 instance's etc/ directory

  PORT            HTTP port (8080)
  HOST            listen address (localhost)
  STORAGE         filestorage (default) | zeo | relstorage
  VAR_DIR         where Data.fs, blobs, logs and caches live (<repo>/var)
  ZEO_ADDRESS     with STORAGE=zeo: host:port of the ZEO server (localhost:8100)
  RELSTORAGE_DSN  with STORAGE=relstorage: a libpq DSN, e.g. "dbname=plone user=plone host=db"
  ZODB_CACHE_SIZE objects kept in each connection's cache (30000)
  THREADS         waitress worker threads of the instance, one ZODB connection each (4)
  SITE_ID         the Plone site's id (Plone); ADMIN_USER the Zope manager (admin)
  PRODUCTION      1 refuses ADMIN_PASSWORD=admin (or empty) and demo data (DEMO defaults to 0)
  INSTANCE_DIR    where etc/ is written (<repo>/instance)
"""

import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "STORAGE": "filestorage",
    "ZEO_ADDRESS": "localhost:8100",
    "RELSTORAGE_DSN": "",
    "VAR_DIR": str(ROOT / "var"),
    "PORT": "8080",
    "HOST": "localhost",
    "ZODB_CACHE_SIZE": "30000",
    "THREADS": "4",
    "SITE_ID": "Plone",
    "ADMIN_USER": "admin",
    "PRODUCTION": "",
}
#: What the files in instance/etc/ are written from: changing one needs an explicit 'make instance'.
CONFIG_KEYS = (
    "STORAGE",
    "ZEO_ADDRESS",
    "RELSTORAGE_DSN",
    "VAR_DIR",
    "PORT",
    "HOST",
    "ZODB_CACHE_SIZE",
    "THREADS",
)
#: Recorded beside the files (instance/etc/settings.env); the admin password never is.
RECORDED_KEYS = tuple(DEFAULTS)


def parse_env_file(path):
    """KEY=VALUE lines ('#' comments, blank lines, an optional 'export ', quotes around a value)."""
    values = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            sys.exit(f"{path}:{number}: expected KEY=VALUE, got {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def operator_file(environ):
    """instance.env (or the file INSTANCE_ENV names) as a dict; empty when there is none."""
    path = Path(environ.get("INSTANCE_ENV") or ROOT / "instance.env")
    return parse_env_file(path) if path.is_file() else {}


def instance_dir_of(environ, operator):
    return Path(environ.get("INSTANCE_DIR") or operator.get("INSTANCE_DIR") or ROOT / "instance")


def recorded(etc):
    """The settings instance/etc/ was written with; None when it does not exist."""
    stamp = etc / "settings.env"
    if stamp.is_file():
        return parse_env_file(stamp)
    conf = etc / "zope.conf"
    if not conf.is_file():
        return None
    # Written by an older make_instance.py (no settings.env): read the settings back from the files.
    text = conf.read_text()
    found = {}
    patterns = {
        "STORAGE": r"\(STORAGE=(\w+)\)",
        "ZEO_ADDRESS": r"^\s*server (\S+)$",
        "RELSTORAGE_DSN": r"^\s*dsn (.+)$",
        "VAR_DIR": r"^clienthome (.+)$",
        "ZODB_CACHE_SIZE": r"^  cache-size (\d+)$",
    }
    for key, pattern in patterns.items():
        match = re.search(pattern, text, re.M)
        if match:
            found[key] = match.group(1).strip()
    ini = etc / "zope.ini"
    match = re.search(r"^listen = (.+):(\d+)$", ini.read_text(), re.M) if ini.is_file() else None
    if match:
        found["HOST"], found["PORT"] = match.group(1), match.group(2)
    return found


def same(key, left, right):
    if key == "VAR_DIR":
        return Path(left).resolve() == Path(right).resolve()
    return left == right


def settings(environ, operator, base):
    """The effective settings: the defaults, then ``base``, instance.env and the environment."""
    result = dict(DEFAULTS)
    result.update(base or {})
    for source in (operator, environ):
        result.update({key: source[key] for key in RECORDED_KEYS if key in source})
    return result


def storage_section(storage, var_dir, values):
    if storage == "filestorage":
        return f"""  <blobstorage>
    blob-dir {var_dir}/blobstorage
    <filestorage>
      path {var_dir}/filestorage/Data.fs
    </filestorage>
  </blobstorage>"""
    if storage == "zeo":
        address = values["ZEO_ADDRESS"]
        # ZEO's own <clientstorage> (not ZODB's older <zeoclient>): it knows server-sync.
        return f"""  <clientstorage>
    server {address}
    storage 1
    name zeostorage
    blob-dir {var_dir}/blobcache
    shared-blob-dir off
    cache-size 128MB
    # Each transaction starts from what the server has: a write through another instance is
    # seen by the next request here (without it, invalidations may arrive a moment later).
    server-sync on
  </clientstorage>"""
    if storage == "relstorage":
        dsn = values["RELSTORAGE_DSN"]
        if not dsn:
            sys.exit("STORAGE=relstorage needs RELSTORAGE_DSN (a libpq connection string)")
        return f"""  <relstorage>
    blob-dir {var_dir}/blobcache
    shared-blob-dir false
    keep-history false
    <postgresql>
      dsn {dsn}
    </postgresql>
  </relstorage>"""
    sys.exit(f"Unknown STORAGE={storage!r}: use filestorage, zeo or relstorage")


def zope_conf(storage, var_dir, instance_dir, cache_size, values):
    imports = {"zeo": "%import ZEO\n", "relstorage": "%import relstorage\n"}.get(storage, "")
    return f"""# Generated by scripts/make_instance.py (STORAGE={storage}); do not edit by hand.
{imports}%define INSTANCE {instance_dir}
instancehome $INSTANCE
clienthome {var_dir}

debug-mode off
# Several instances on ZEO or RelStorage: a write conflict with another instance (catalog and
# intid buckets every grant touches) is retried with a fresh view, waiting longer each time,
# before the request answers 409 (the default is 3).
max-conflict-retries 6
security-policy-implementation C
verbose-security off
default-zpublisher-encoding utf-8

<environment>
  CHAMELEON_CACHE {var_dir}/cache
  zope_i18n_compile_mo_files true
  zope_i18n_allowed_languages da en
  TZ Europe/Copenhagen
  PYTHON_EGG_CACHE {var_dir}/.python-eggs
</environment>

<zodb_db main>
{storage_section(storage, var_dir, values)}
  mount-point /
  cache-size {cache_size}
</zodb_db>

<dos_protection>
  form-memory-limit 4MB
</dos_protection>
"""


def zope_ini(instance_dir, var_dir, host, port, threads=4):
    return f"""# Generated by scripts/make_instance.py; do not edit by hand.
[app:zope]
use = egg:Zope#main
zope_conf = {instance_dir}/etc/zope.conf

[server:main]
use = egg:waitress#main
listen = {host}:{port}
threads = {threads}
clear_untrusted_proxy_headers = false
max_request_body_size = 1073741824

[filter:translogger]
use = egg:Paste#translogger
setup_console_handler = False

[pipeline:main]
pipeline =
    egg:Zope#httpexceptions
    translogger
    zope

[loggers]
keys = root, waitress.queue, waitress, wsgi, os2bos_plone

[handlers]
keys = console, accesslog, eventlog

[formatters]
keys = generic, message

[formatter_generic]
format = %(asctime)s %(levelname)s [%(name)s:%(lineno)s][%(threadName)s] %(message)s
datefmt = %Y-%m-%d %H:%M:%S

[formatter_message]
format = %(message)s

[logger_root]
level = INFO
handlers = console, eventlog

[logger_os2bos_plone]
level = INFO
handlers =
qualname = os2bos_plone

[logger_waitress.queue]
level = INFO
handlers = eventlog
qualname = waitress.queue
propagate = 0

[logger_waitress]
level = INFO
handlers = eventlog
qualname = waitress

[logger_wsgi]
level = WARN
handlers = accesslog
qualname = wsgi
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[handler_accesslog]
class = handlers.WatchedFileHandler
args = (r'{var_dir}/log/access.log', 'a')
level = INFO
formatter = message

[handler_eventlog]
class = handlers.WatchedFileHandler
args = (r'{var_dir}/log/event.log', 'a')
level = INFO
formatter = generic
"""


ZEO_CONF = """# Generated by scripts/make_instance.py: ZEO server for STORAGE=zeo (make zeoserver).
<zeo>
  address {address}
</zeo>
<blobstorage 1>
  blob-dir {var_dir}/blobstorage
  <filestorage>
    path {var_dir}/filestorage/Data.fs
  </filestorage>
</blobstorage>
"""

SITE_ZCML = """<configure
    xmlns="http://namespaces.zope.org/zope"
    xmlns:five="http://namespaces.zope.org/five">
  <include package="Zope2.App" />
  <five:loadProducts file="meta.zcml" />
  <five:loadProducts />
  <five:loadProductsOverrides />
</configure>
"""


def refuse_unsafe_production(environ):
    """PRODUCTION=1 with the published admin password or demo data: stop before writing."""
    # Loaded by path: the rule lives in the package, whose __init__ would pull in Plone.
    import importlib.util

    path = ROOT / "src" / "os2bos_plone" / "setuphandlers" / "production.py"
    spec = importlib.util.spec_from_file_location("os2bos_production", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.refuse_unsafe_production(environ)


def write(etc, instance_dir, values):
    """Write instance/etc/ (and the data directories) from ``values``."""
    var_dir = Path(values["VAR_DIR"]).resolve()
    storage = values["STORAGE"]
    for sub in ("filestorage", "blobstorage", "blobcache", "cache", "log", "backups"):
        (var_dir / sub).mkdir(parents=True, exist_ok=True)
    etc.mkdir(parents=True, exist_ok=True)
    conf = zope_conf(storage, var_dir, instance_dir, values["ZODB_CACHE_SIZE"], values)
    (etc / "zope.conf").write_text(conf)
    (etc / "zope.ini").write_text(
        zope_ini(instance_dir, var_dir, values["HOST"], values["PORT"], values["THREADS"])
    )
    (etc / "site.zcml").write_text(SITE_ZCML)
    (etc / "zeo.conf").write_text(ZEO_CONF.format(address=values["ZEO_ADDRESS"], var_dir=var_dir))
    stamp = {**values, "VAR_DIR": str(var_dir)}
    lines = [f"{key}={shlex.quote(stamp[key])}" for key in RECORDED_KEYS]
    (etc / "settings.env").write_text(
        "# What instance/etc/ was written with (scripts/make_instance.py); change\n"
        "# instance.env and run 'make instance' instead of editing this.\n"
        + "\n".join(lines)
        + "\n"
    )
    print(f"Instance configuration written to {etc} (storage: {storage}, data: {var_dir})")


def mismatches(written, operator, environ):
    """Settings asked for (instance.env, environment) that instance/etc/ was not written with."""
    result = []
    for origin, source in (("instance.env", operator), ("the environment", environ)):
        for key in CONFIG_KEYS:
            if key in source and key in written and not same(key, source[key], written[key]):
                result.append(f"  {key}={source[key]} ({origin}); instance/etc/ has {written[key]}")
    return result


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    environ = dict(os.environ)
    operator = operator_file(environ)
    instance_dir = instance_dir_of(environ, operator).resolve()
    etc = instance_dir / "etc"
    mode = argv.pop(0) if argv and argv[0].startswith("--") else "--write"
    if mode not in ("--write", "--ensure", "--run"):
        sys.exit(f"Unknown option {mode}: use --ensure or --run CMD ...")
    written = recorded(etc)
    if mode == "--write" or written is None:
        values = settings(environ, operator, None)
        refuse_unsafe_production({**operator, **environ})
        write(etc, instance_dir, values)
        written = values
    else:
        wrong = mismatches(written, operator, environ)
        if wrong:
            print(
                f"{etc} was written with other settings than asked for now:\n"
                + "\n".join(wrong)
                + "\nIt is only rewritten on purpose: change instance.env and run 'make instance' "
                "(or drop the variable to use the instance as it is).",
                file=sys.stderr,
            )
            sys.exit(2)
    if mode != "--run":
        return
    if not argv:
        sys.exit("--run needs a command")
    # The command sees instance.env and the instance's settings under whatever the call set itself.
    child = {**operator, **settings(environ, operator, written), **environ}
    child["INSTANCE_DIR"] = str(instance_dir)
    # "{etc}" in the command is the instance's etc/ (INSTANCE_DIR may point elsewhere, e.g. one
    # directory per instance under systemd).
    argv = [arg.replace("{etc}", str(etc)) for arg in argv]
    os.execvpe(argv[0], argv, child)


if __name__ == "__main__":
    main()
