"""The interchange package stays plain Python."""

import ast
import subprocess
import sys
from pathlib import Path

import os2bos_plone.interchange

PACKAGE = Path(os2bos_plone.interchange.__file__).parent
FORBIDDEN = ("plone", "Products", "zope", "Zope2", "transaction", "ZODB")


def test_no_plone_or_zope_imports():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, (path.name, name)


def test_importing_loads_no_plone():
    # "plone" and "plone.app" are namespace packages that .pth files load at start-up, and
    # os2bos_plone/__init__.py imports zope.i18nmessageid; neither comes from this package.
    code = (
        "import sys\n"
        "import os2bos_plone\n"
        "before = set(sys.modules)\n"
        "import os2bos_plone.interchange.rows, os2bos_plone.interchange.workbook\n"
        "import os2bos_plone.interchange.os2bos\n"
        "new = set(sys.modules) - before\n"
        "roots = ('plone', 'Products', 'ZODB', 'zope')\n"
        "print(sorted(m for m in new if m.split('.')[0] in roots))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_public_api_of_rows():
    from os2bos_plone.interchange import rows

    for name in rows.__all__:
        assert hasattr(rows, name), name
    for name in ("KINDS", "normalise", "validate_rows", "diff_rows", "ChangeReport", "RowError"):
        assert name in rows.__all__
