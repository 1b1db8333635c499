"""Danish translations of the add-on's own domain and of role titles in the plone domain."""

from zope.i18n import translate


def test_own_domain_in_danish(portal):
    assert translate("No cases yet.", domain="os2bos_plone", target_language="da") == (
        "Ingen sager endnu."
    )


def test_role_titles_in_danish(portal):
    assert translate("BOSCaseWorker", domain="plone", target_language="da") == "BOS Sagsbehandler"
    assert translate("BOS management", domain="plone", target_language="da") == "BOS Ledelse"
