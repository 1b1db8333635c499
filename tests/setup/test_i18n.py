"""Danish translations of the add-on's own domain and of role titles in the plone domain."""

from zope.i18n import translate


def test_own_domain_in_danish(portal):
    assert translate("No cases yet.", domain="os2bos_plone", target_language="da") == (
        "Ingen sager endnu."
    )


def test_role_titles_in_danish(portal):
    assert translate("BOSCaseWorker", domain="plone", target_language="da") == "BOS Sagsbehandler"
    assert translate("BOS management", domain="plone", target_language="da") == "BOS Ledelse"


def test_the_kind_of_a_status_message_is_danish(portal):
    """Plone prints "Error:" before an error message; untranslated in plone.app.locales."""
    for msgid, danish in (
        ("statusmessage_mtype_error", "Fejl:"),
        ("statusmessage_mtype_info", "Til orientering:"),
        ("statusmessage_mtype_warning", "Advarsel:"),
    ):
        assert translate(msgid, domain="plone", target_language="da") == danish


def test_every_message_of_the_code_has_a_danish_translation():
    """A msgid in the Python code without a Danish default is in the Danish catalogue (a
    changed English msgid showed English help text on the case form)."""
    import ast
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "src" / "os2bos_plone"
    po = (package / "locales" / "da" / "LC_MESSAGES" / "os2bos_plone.po").read_text()
    translated = set()
    for match in re.finditer(r'^msgid "((?:[^"\\]|\\.)*)"\n((?:"(?:[^"\\]|\\.)*"\n)*)', po, re.M):
        parts = [match.group(1), *re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(2))]
        translated.add("".join(parts).replace('\\"', '"'))
    missing = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"):
                continue
            if not (node.args and isinstance(node.args[0], ast.Constant)):
                continue
            if any(keyword.arg == "default" for keyword in node.keywords):
                continue  # a msgid with its Danish default
            if node.args[0].value not in translated:
                missing.append(f"{path.name}: {node.args[0].value}")
    assert missing == []


def test_our_danish_wins_over_english_in_plone_app_locales(portal):
    """plone.app.locales' Danish catalog holds English msgstrs for some msgids; the add-on's
    catalog is asked first (bos:preferTranslations), for the whole plone domain."""
    assert (
        translate("label_site_administration", domain="plone", target_language="da")
        == "administratoren"
    )
    # Plone's own Danish is still read where we have no override.
    assert translate("label_log_in", domain="plone", target_language="da") == "Log ind"
