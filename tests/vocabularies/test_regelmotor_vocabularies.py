"""The regelmotor's vocabularies: inactive entries hidden but resolvable, preferred providers,
supplementary services that follow the main service."""

from plone import api
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import find_classification


def vocabulary(name, context):
    return getUtility(IVocabularyFactory, f"os2bos_plone.vocabularies.{name}")(context)


class TestVocabularies:
    def test_inactive_provider_hidden_but_resolvable(self, manager):
        provider = by_key("bos_service_provider", "25052943") or api.content.create(
            container=manager["regelmotor"],
            type="bos_service_provider",
            cvr="25052943",
            title="Gammel Leverandør ApS",
        )
        provider.active = False
        provider.reindexObject()
        vocab = vocabulary("ServiceProviders", manager)
        assert provider.UID() not in [term.value for term in vocab]
        assert vocab.getTerm(provider.UID()).title == "Gammel Leverandør ApS"
        assert provider.UID() in vocab

    def test_preferred_providers_first_and_only(self, manager):
        service = by_key("bos_service", "100206")
        cvrs = [b.bos_key for b in find_classification("bos_service_provider")]
        service.preferred_providers = [cvrs[-1]]
        service.only_preferred = False
        request = manager.REQUEST
        request.form["service"] = service.UID()
        terms = list(vocabulary("ServiceProviders", manager))
        assert terms[0].title == by_key("bos_service_provider", cvrs[-1]).title
        assert len(terms) == len(cvrs)
        service.only_preferred = True
        terms = list(vocabulary("ServiceProviders", manager))
        assert len(terms) == 1

    def test_lists_offer_active_rows_only(self, manager):
        container = manager["regelmotor"]
        municipalities = [dict(row) for row in container.municipalities]
        municipalities[0]["active"] = False
        container.municipalities = municipalities
        vocab = vocabulary("Municipalities", manager)
        assert len(list(vocab)) == 97
        assert vocab.getTerm(municipalities[0]["code"]).title == municipalities[0]["name"]

    def test_supplementary_services_follow_main_service(self, manager):
        request = manager.REQUEST
        request.form.update({"section": "BL-32-1.5", "main_service": "100206"})
        titles = {term.title for term in vocabulary("SupplementaryServices", manager)}
        assert titles == {
            "Fritidsaktiviteter",
            "Kørsel i egen bil",
            "Tolk",
            "Transport",
            "Økonomisk støtte i forbindelse med støttende indsats",
        }
        for term in vocabulary("SupplementaryServices", manager):
            service = by_uid(term.value)
            assert "100206" in service.follows_main_services
            assert any(
                row["section"] == "BL-32-1.5" and row["supplementary"] for row in service.sections
            )


def test_sections_in_law_order_named_once(manager):
    """The budget line's and the approval rule's section choice: § 30 before § 114, and the key
    shown once ("BL-104-3 Støttet samvær", not "BL-104-3 BL-104-3 Støttet samvær")."""
    terms = list(vocabulary("SectionKeys", manager))
    keys = [term.value for term in terms]
    assert keys.index("BL-30-1.1") < keys.index("BL-32-1.5") < keys.index("BL-114-1.1")
    by_value = {term.value: term.title for term in terms}
    assert by_value["BL-104-3"] == "BL-104-3 Støttet samvær"
    assert all(title.count(key) == 1 for key, title in by_value.items())
    assert vocabulary("SectionKeys", manager).getTerm("BL-104-3").title == "BL-104-3 Støttet samvær"
