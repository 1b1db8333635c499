"""A grant decision stores an appropriation letter (PDF) in the case and journals it."""

import hashlib
import io
from decimal import Decimal

import pytest
from plone import api
from pypdf import PdfReader

from os2bos_plone.decisions import letters
from os2bos_plone.engine.formatting import format_money
from os2bos_plone.journal.storage import entries
from os2bos_plone.payments.figures import activity_figures
from tests.builders import CHILD_NAME
from tests.builders import CPR
from tests.builders import costs
from tests.builders import create_activity
from tests.builders import entries_with
from tests.builders import grant
from tests.builders import grant_decision
from tests.builders import letters_of
from tests.builders import main_fields
from tests.builders import make_activity
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import pdf_text
from tests.builders import supplementary_fields
from tests.builders import view


def appropriation_year(activity):
    return activity.appropriation_date.year


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
        "Familiebehandling (Hovedydelse) – Ny",
        "Fritidsaktiviteter (Følgeydelse) – Ny",
        "Familiebehandling i hjemmet",
        "Månedligt den 1.",
        "Månedligt den 15.",
        "Faktura",
        "Intern afregning",
        "Bevillingens samlede omkostninger",
        f"I år ({appropriation_year(main)})",
        f"Næste år ({appropriation_year(main) + 1})",
        "I alt for perioden",
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
    period = sum(Decimal(activity_figures(a)["total"]) for a in (main, supplementary))
    assert f"I alt for perioden {format_money(period)}" in text
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
    # both are granted and current; only the just-granted one is marked, as new
    assert "Fritidsaktiviteter (Følgeydelse) – Ny" in text
    assert "Familiebehandling (Hovedydelse)" in text
    assert "Familiebehandling (Hovedydelse) –" not in text
    assert "Opdateret" not in text
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


def _letter_to(name):
    """A letter without activities about a child of this name, rendered from plain data."""
    data = {
        "municipality": "Ballerup Kommune",
        "date": "2026-12-01",
        "appropriation": {"sbsys_id": "27.24.00-G01-1-25", "section_key": "BL-32-1.5"},
        "case": {"child_name": name, "cpr_number": "010118-1234"},
        "decision": {"approval_level_title": "Teamleder"},
        "activities": [],
        "total_this_year": "0.00",
    }
    return letters.render_letter(data)


@pytest.mark.parametrize("name", ["Amir Kovačević", "Elif Şahin", "Łucja Dvořák", "Ærø Ødegård"])
def test_every_family_name_prints_as_written(name):
    """Read back from the PDF, not from the input: the embedded font has the letters."""
    text = pdf_text(_letter_to(name))
    assert name in text
    assert "?" not in text


def test_letters_in_a_row_each_embed_the_letters_they_use():
    """The faces are parsed once per process and copied per letter: a letter's embedded font
    holds its own glyphs, not those of the letter before it, and reads back whole."""

    first, second = _letter_to("Łucja Dvořák"), _letter_to("Nguyễn Şahin")
    again = _letter_to("Łucja Dvořák")
    assert "Łucja Dvořák" in pdf_text(first)
    assert "Nguyễn Şahin" in pdf_text(second)
    assert "Łucja" not in pdf_text(second)
    # the same letter made again is the same PDF: nothing of the letters between leaks in
    assert len(again) == len(first)


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
    assert "Familiebehandling (Hovedydelse) – Ny" in text


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


def _label_overruns(pdf_bytes, data):
    """Texts printed in the label column that run into the value column (pypdf positions)."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    measure = letters.LetterPDF(data)
    measure.set_font(letters.FONT, "B", 10)
    points = 72 / 25.4
    left = measure.l_margin * points
    value_column = (measure.l_margin + measure.LABEL_WIDTH) * points
    found = []
    for page in reader.pages:
        texts = []

        def visit(text, cm, tm, font, size, texts=texts):
            texts.append((text.strip(), tm[4]))

        page.extract_text(visitor_text=visit)
        for text, x in texts:
            if text and abs(x - left) < 1:
                if x + measure.get_string_width(text) * points > value_column and len(text) < 60:
                    found.append(text)
    return found


def test_no_label_runs_into_its_amount(manager):
    """A label longer than its column wraps inside it ("Samlede omkostninger, indeværende år"
    was printed over its amount)."""
    case, appropriation, main, _supplementary = _granted_case(manager)
    [letter] = _letters(case)
    [entry] = entries_with(case, "activities_granted")
    data = dict(entry.data, decision={**entry.data["decision"], "approval_note": "Bevilget"})
    assert _label_overruns(letter.file.data, data) == []
    # A longer label than any the letter has today wraps as well.
    pdf = letters.LetterPDF(data)
    pdf.add_page()
    pdf.row("En meget lang ledetekst, der ikke kan stå på én linje i kolonnen", "1.234,50 kr.")
    assert _label_overruns(bytes(pdf.output()), data) == []


def test_a_grant_starting_next_year_shows_next_year_and_the_period(http):
    """The letter of a measure that starts next year does not read 0,00 kr.: this year, next
    year and the period, each equal to what @bos-costs answers."""
    admin = http()
    case, appropriation = new_appropriation(admin)
    today = admin.get(f"{case['@id']}/@bos-costs").json()["year"]
    main = create_activity(
        admin,
        appropriation["@id"],
        **monthly_main(admin, start_date=f"{today + 1}-01-01", end_date=f"{today + 1}-12-31"),
    )
    grant(admin, appropriation["@id"], [main["UID"]])
    [letter] = letters_of(admin, case["@id"])
    pdf = admin.get(f"{letter['@id']}/@@download/file")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    this_year = costs(admin, appropriation["@id"], today)
    next_year = costs(admin, appropriation["@id"], today + 1)
    assert Decimal(next_year["granted"]) > 0
    assert f"I år ({today}) {format_money(Decimal(this_year['granted']))}" in text
    assert f"Næste år ({today + 1}) {format_money(Decimal(next_year['granted']))}" in text
    assert f"I alt for perioden {format_money(Decimal(next_year['total_cost']))}" in text
    assert "– Ny" in text


def test_an_adjustment_marks_what_it_changed_as_updated(http):
    admin = http()
    case, appropriation = new_appropriation(admin)
    url = appropriation["@id"]
    year = admin.get(f"{case['@id']}/@bos-costs").json()["year"] + 1
    main = create_activity(
        admin, url, **monthly_main(admin, start_date=f"{year}-01-01", end_date=f"{year}-12-31")
    )
    grant(admin, url, [main["UID"]])
    adjusted = admin.post(
        f"{main['@id']}/@bos-adjustment",
        json={"start_date": f"{year}-07-01", "payment_amount": "12000.00"},
    )
    assert adjusted.status_code == 201, adjusted.text
    grant(admin, url, [adjusted.json()["UID"]])
    newest = max(letters_of(admin, case["@id"]), key=lambda item: item["@id"])
    text = pdf_text(admin.get(f"{newest['@id']}/@@download/file").content)
    assert "– Opdateret" in text
    assert "– Ny" not in text


def test_the_sender_is_the_municipality_of_the_settings(manager):
    api.portal.set_registry_record("os2bos_plone.settings.municipality_name", "Testrup Kommune")
    case, _appropriation, _main, _supplementary = _granted_case(manager)
    [letter] = _letters(case)
    assert pdf_text(letter.file.data).startswith("Testrup Kommune")


def test_the_case_view_lists_the_letters_newest_first(manager):
    case = make_case(manager)
    appropriation = make_appropriation(case)
    main = make_activity(appropriation, **main_fields())
    grant_decision(appropriation, [main])
    supplementary = make_activity(appropriation, **supplementary_fields())
    grant_decision(appropriation, [supplementary])
    html = view(manager, "bos-case-view", context=case)()
    section = html[html.index('id="bos-letters-heading"') :]
    assert "Bevillingsskrivelser" in section
    first = section.index("-1.pdf/@@download/file")
    second = section.index("-2.pdf/@@download/file")
    assert second < first


def test_the_sender_of_the_settings_heads_the_letter(manager):
    api.portal.set_registry_record("os2bos_plone.settings.municipality_name", "Testrup Kommune")
    api.portal.set_registry_record(
        "os2bos_plone.settings.letter_sender",
        "Testrup Kommune\nBørne- og Familieafdelingen\nRådhustorvet 1, 9999 Testrup",
    )
    case, _appropriation, _main, _supplementary = _granted_case(manager)
    [letter] = _letters(case)
    text = pdf_text(letter.file.data)
    assert text.startswith("Testrup Kommune")
    assert "Børne- og Familieafdelingen\nRådhustorvet 1, 9999 Testrup" in text
