"""A grant decision stores an appropriation letter (PDF) in the case and journals it."""

import hashlib
from decimal import Decimal

import pytest
from plone import api

from os2bos_plone.decisions import letters
from os2bos_plone.engine.formatting import format_money
from os2bos_plone.journal.storage import entries
from os2bos_plone.payments.figures import activity_figures
from tests.builders import CHILD_NAME
from tests.builders import CPR
from tests.builders import entries_with
from tests.builders import grant_decision
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import pdf_text
from tests.builders import supplementary_fields


def _letters(case):
    return [obj for obj in case.objectValues() if obj.portal_type == "bos_letter"]


def _granted_case(portal):
    case = make_case(portal, case_worker="test_user_1_")
    appropriation = make_appropriation(case, note="Efter børnefaglig undersøgelse")
    main = make_activity(appropriation, **main_fields(note="Familiebehandling i hjemmet"))
    supplementary = make_activity(appropriation, **supplementary_fields())
    grant_decision(appropriation, [main, supplementary])
    return case, appropriation, main, supplementary


def test_grant_stores_a_letter_with_the_decision(manager):
    case, appropriation, main, supplementary = _granted_case(manager)
    [letter] = _letters(case)
    assert letter.getId() == f"bevillingsskrivelse-{appropriation.sbsys_id.lower()}-1.pdf"
    assert letter.Title().startswith(f"Bevillingsskrivelse {appropriation.sbsys_id} ")
    assert letter.file.contentType == "application/pdf"
    data = letter.file.data
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        "Bevillingsskrivelse",
        f"Foranstaltningssag: {appropriation.sbsys_id}",
        CHILD_NAME,
        CPR,
        case.sbsys_id,
        "Ballerup",  # paying and acting municipality
        "København",  # residence municipality
        "Bevilget efter Barnets lov § 32, stk. 1, nr. 5",
        "Efter børnefaglig undersøgelse",
        "Det bevilges:",
        "Familiebehandling (Hovedydelse) – Opdateret",
        "Fritidsaktiviteter (Følgeydelse) – Opdateret",
        "Familiebehandling i hjemmet",
        "Månedligt den 1.",
        "Månedligt den 15.",
        "Faktura",
        "Intern afregning",
        "Samlede omkostninger, indeværende år",
        "Side 1 af",
    ):
        assert expected in text, expected
    for activity in (main, supplementary):
        figures = activity_figures(activity)
        assert format_money(Decimal(figures["per_payment"])) in text
        assert format_money(Decimal(figures["this_year"])) in text
        assert format_money(Decimal(figures["total"])) in text
    total = sum(Decimal(activity_figures(a)["this_year"]) for a in (main, supplementary))
    assert format_money(total) in text
    # main activity first
    assert text.index("Familiebehandling (Hovedydelse)") < text.index("Fritidsaktiviteter (")


def test_journal_entry_points_at_the_letter(manager):
    case, appropriation, main, supplementary = _granted_case(manager)
    [letter] = _letters(case)
    [entry] = entries_with(case, "activities_granted")
    assert entry.letter == letter.UID()
    assert entry.object["uid"] == appropriation.UID()
    assert entry.comment == "Bevilget på teammødet"
    assert main.Title() in entry.title and supplementary.Title() in entry.title
    assert "Teamleder" in entry.title
    assert set(entry.amounts) == {"this_year", "total", "granted_this_year"}
    # the decision's data is kept, enough to make the letter again
    data = entry.data
    assert data["case"]["child_name"] == CHILD_NAME
    assert [item["uid"] for item in data["activities"]] == [main.UID(), supplementary.UID()]
    assert data["decision"]["approval_level"] == "teamleder"
    assert pdf_text(letters.render_letter(data)) == pdf_text(letter.file.data)
    # the newest entry is the decision, after the transitions it caused
    assert entries(case)[0].action == "activities_granted"


def test_a_letter_is_made_again_as_a_new_letter_never_a_new_version(manager):
    # Was test_letter_is_versioned: a letter was a versioned File and making it again from the
    # journal added a version. Letters are immutable records now (issue 12): making one again
    # stores a second letter, journaled with its own SHA-256; the first keeps every byte.
    case, _appropriation, _main, _supplementary = _granted_case(manager)
    [letter] = _letters(case)
    before = letter.file.data
    repository = api.portal.get_tool("portal_repository")
    assert not repository.isVersionable(letter)
    [entry] = entries_with(case, "activities_granted")
    assert entry.data["letter_sha256"] == hashlib.sha256(before).hexdigest() == letter.sha256
    again = letters.recreate_letter(case, entry)
    assert again.UID() != letter.UID()
    assert again.getId().endswith("-2.pdf")
    assert letter.file.data == before
    assert pdf_text(again.file.data) == pdf_text(before)
    [recreated] = entries_with(case, "letter_recreated")
    assert recreated.letter == again.UID()
    assert recreated.data["replaces"] == letter.UID()
    assert recreated.data["letter_sha256"] == hashlib.sha256(again.file.data).hexdigest()


def test_second_decision_makes_a_second_letter(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    main = make_activity(appropriation, **main_fields())
    grant_decision(appropriation, [main])
    supplementary = make_activity(appropriation, **supplementary_fields())
    grant_decision(appropriation, [supplementary])
    first, second = sorted(_letters(case), key=lambda obj: obj.getId())
    assert first.getId().endswith("-1.pdf") and second.getId().endswith("-2.pdf")
    text = pdf_text(second.file.data)
    # both are granted and current; only the just-granted one is marked as updated
    assert "Fritidsaktiviteter (Følgeydelse) – Opdateret" in text
    assert "Familiebehandling (Hovedydelse)" in text
    assert "Familiebehandling (Hovedydelse) – Opdateret" not in text
    decisions = entries_with(case, "activities_granted")
    assert [entry.letter for entry in decisions] == [second.UID(), first.UID()]


def test_render_from_plain_data_marks_variable_amounts():
    data = {
        "municipality": "Ballerup Kommune",
        "date": "2026-12-01",
        "appropriation": {"sbsys_id": "27.24.00-G01-1-25", "section_key": "BL-32-1.5"},
        "case": {"child_name": "Åse Ødegård", "cpr_number": "010118-1234"},
        "decision": {"approval_level_title": "Teamleder"},
        "activities": [
            {
                "title": "Aflastning",
                "activity_type": "main",
                "updated": True,
                "payment_type": "running",
                "start_date": "2026-12-01",
                "cost_type": "rate",
                "rate_title": "Vederlag pr. døgn",
                "unit_price": "145.00",
                "units": "2",
                "per_payment": "290.00",
                "variable_amount": True,
                "frequency": "Dagligt",
                "this_year": "8990.00",
                "total": "8990.00",
            }
        ],
        "total_this_year": "8990.00",
    }
    text = pdf_text(letters.render_letter(data, compress=False))
    assert "Ballerup Kommune" in text
    assert "1. december 2026" in text
    assert "Takst: Vederlag pr. døgn (145,00 kr.)" in text
    assert "290,00 kr. *" in text
    assert letters.FOOTNOTE in text
    assert "Løbende (ingen slutdato)" in text


def test_pdf_text_spells_out_a_few_symbols_and_keeps_every_letter():
    assert letters.pdf_text("a → b") == "a -> b"
    assert letters.pdf_text("æøå ÆØÅ § »« –") == "æøå ÆØÅ § »« –"
    assert letters.pdf_text("Kovačević Şahin Łukasz") == "Kovačević Şahin Łukasz"


@pytest.mark.parametrize("name", ["Amir Kovačević", "Elif Şahin", "Łucja Dvořák", "Ærø Ødegård"])
def test_every_family_name_prints_as_written(name):
    """Read back from the PDF, not from the input: the embedded font has the letters."""
    data = {
        "municipality": "Ballerup Kommune",
        "date": "2026-12-01",
        "appropriation": {"sbsys_id": "27.24.00-G01-1-25", "section_key": "BL-32-1.5"},
        "case": {"child_name": name, "cpr_number": "010118-1234"},
        "decision": {"approval_level_title": "Teamleder"},
        "activities": [],
        "total_this_year": "0.00",
    }
    text = pdf_text(letters.render_letter(data))
    assert name in text
    assert "?" not in text


def test_grant_through_the_workflow_makes_a_letter_too(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    activity = make_activity(appropriation, **main_fields())
    api.content.transition(obj=activity, transition="grant", comment="Bevilget i vagten")
    [letter] = _letters(case)
    [entry] = entries_with(case, "activities_granted")
    assert entry.letter == letter.UID()
    text = pdf_text(letter.file.data)
    figures = activity_figures(activity)
    assert format_money(Decimal(figures["this_year"])) in text
    assert "Familiebehandling (Hovedydelse) – Opdateret" in text


def test_a_letter_is_changed_moved_or_deleted_by_no_one_not_even_manager(manager):
    from zExceptions import Forbidden
    from zExceptions import Unauthorized

    case, _appropriation, _main, _supplementary = _granted_case(manager)
    [letter] = _letters(case)
    checks = api.user.get_permissions(obj=letter)
    assert checks["View"]
    for permission in ("Modify portal content", "Delete objects", "Copy or Move"):
        assert not checks[permission], permission
        assert not [r for r in letter.rolesOfPermission(permission) if r["selected"]]
        assert not letter.acquiredRolesAreUsedBy(permission), permission
    # no role may add one; the decision code makes them
    assert not api.user.get_permissions(obj=case)["os2bos_plone: Add Letter"]
    before = letter.file.data
    with pytest.raises(Unauthorized):
        case.manage_delObjects([letter.getId()])
    # a door that checks no permission at all (a script's _delObject) meets the removal guard
    with pytest.raises(Forbidden, match="kan ikke slettes"):
        case._delObject(letter.getId())
    assert case[letter.getId()].file.data == before
