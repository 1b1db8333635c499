"""The family field in-process: no upgrade needed (an old case reads an empty family), the form's
CPR conversion and row checks, and the journal of a case older than the field."""

import pytest
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent
from zope.schema.interfaces import ValidationError

from os2bos_plone.content.case import ICase
from os2bos_plone.content.case import IRelatedPersonRow
from os2bos_plone.journal.handlers import CASE_SNAPSHOT_KEY
from tests.builders import entries_with
from tests.builders import make_case
from tests.builders import view

MOTHER = {"relation": "mor", "cpr": "020285-1234", "name": "Anna Hansen", "related_case": ""}


def test_a_case_without_the_attribute_reads_an_empty_family(manager):
    case = make_case(manager)
    case.__dict__.pop("related_persons", None)
    case._p_changed = True
    assert "related_persons" not in case.__dict__
    assert case.related_persons == []
    html = view(manager, "bos-case-view", case)()
    assert "Der er ingen relaterede personer på sagen." in html


def test_the_form_stores_the_cpr_with_a_hyphen_and_checks_each_row():
    cpr = IRelatedPersonRow["cpr"]
    assert cpr.fromUnicode("0202851234") == "020285-1234"
    assert cpr.fromUnicode(" 020285-1234 ") == "020285-1234"
    with pytest.raises(ValidationError) as error:
        cpr.fromUnicode("320185-1234")
    assert error.value.doc() == "CPR-nummeret indeholder ikke en gyldig fødselsdato."
    with pytest.raises(ValidationError):
        IRelatedPersonRow["relation"].validate("onkel")
    with pytest.raises(ValidationError) as error:
        IRelatedPersonRow["name"].validate("x" * 201)
    assert error.value.doc() == "Teksten er for lang (højst 200 tegn)."
    field = ICase["related_persons"]
    assert field.default == [] and not field.required


def test_a_case_older_than_the_family_journals_its_first_family(manager):
    case = make_case(manager)
    snapshot = dict(IAnnotations(case)[CASE_SNAPSHOT_KEY])
    snapshot.pop("related_persons", None)
    IAnnotations(case)[CASE_SNAPSHOT_KEY] = snapshot
    case.related_persons = [MOTHER]
    notify(ObjectModifiedEvent(case))
    [entry] = entries_with(case, "related_persons_changed")
    assert entry.title == "Familien er ændret: tilføjet Mor 020285-XXXX (Anna Hansen)."
    # saving again without a change journals nothing
    notify(ObjectModifiedEvent(case))
    assert len(entries_with(case, "related_persons_changed")) == 1
    case.related_persons = []
    notify(ObjectModifiedEvent(case))
    found = entries_with(case, "related_persons_changed")
    assert sorted(entry.title for entry in found) == [
        "Familien er ændret: fjernet Mor 020285-XXXX (Anna Hansen).",
        "Familien er ændret: tilføjet Mor 020285-XXXX (Anna Hansen).",
    ]
    assert not any("020285-1234" in str(entry.data) for entry in found)
