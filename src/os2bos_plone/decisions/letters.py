"""The appropriation letter (bevillingsskrivelse) of a grant decision, as a PDF (spec 3.3).

The letter is made in two steps so it can be re-created later from the journal:

* :func:`letter_data` reads the appropriation, its case and activities and the decision into a
  plain dict of strings (dates ISO, amounts decimal strings, names resolved as they were at the
  time of the decision). The journal entry of the decision keeps this dict.
* :func:`render_letter` turns such a dict into PDF bytes with fpdf2 (pure Python). The PDF embeds
  the Roboto font (the font-roboto package, cut to the Latin script by :mod:`.letter_font`),
  which has the Latin letters of every family's name (Kovačević, Şahin, Łukasz as much as Ærø):
  nothing becomes "?".

:func:`create_letter` stores the PDF as a ``bos_letter`` in the case (content.letter): an
immutable record no one can change or delete. A later decision makes a new letter; the journal
entry of each decision holds the SHA-256 of its PDF.
"""

import re
from datetime import date
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.enums import TextEmphasis
from fpdf.enums import XPos
from fpdf.enums import YPos
from plone import api
from plone.dexterity.utils import createContent
from plone.namedfile.file import NamedBlobFile
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations
from zope.component import queryUtility
from zope.schema.interfaces import IVocabularyFactory

from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.adapters.plans import plan_of
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.content.letter import LETTER_SHA256
from os2bos_plone.content.letter import LETTER_TYPE
from os2bos_plone.content.letter import sha256_of
from os2bos_plone.decisions.letter_font import FONT
from os2bos_plone.decisions.letter_font import letter_face
from os2bos_plone.engine import clock
from os2bos_plone.engine import payments as engine_payments
from os2bos_plone.engine.formatting import describe_plan
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import section_label
from os2bos_plone.engine.money import display_money
from os2bos_plone.engine.money import format_machine
from os2bos_plone.engine.money import format_number
from os2bos_plone.journal.storage import add_entry
from os2bos_plone.journal.storage import plain
from os2bos_plone.payments.sync import effective_start
from os2bos_plone.payments.totals import total_cost_of
from os2bos_plone.payments.totals import yearly_totals_of
from os2bos_plone.settings import read as read_settings

LETTER_COUNTER_KEY = "os2bos_plone.letter_counter"
#: 2: the change of each activity ("new"/"updated"), next year's and the period's totals.
DATA_VERSION = 2
#: What a decision did to an activity, as the letter marks it after the activity's title.
CHANGE_TEXT = {"new": "Ny", "updated": "Opdateret"}

COST_TYPE_TEXT = {"fixed": "Fast beløb", "per_unit": "Pris pr. enhed", "rate": "Takst"}
PAYMENT_METHOD_TEXT = {
    "cash": "Udbetaling",
    "sd": "SD-løn",
    "invoice": "Faktura",
    "internal": "Intern afregning",
}
RECIPIENT_TYPE_TEXT = {"person": "Person", "company": "Firma", "internal": "Intern"}
FOOTNOTE = "* Beløb kan afvige fra det angivne"


# -- data ---------------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if isinstance(value, date) else (value or None)


def _term_title(vocabulary_name, value, context):

    if value in (None, ""):
        return ""
    factory = queryUtility(IVocabularyFactory, name=vocabulary_name)
    try:
        return factory(context).getTerm(value).title or str(value)
    except (LookupError, TypeError, AttributeError):
        return str(value)


def sender_lines():
    """The sender of letters, one line each: the settings' letter sender (the municipality, the
    department, its address), else the municipality's name, else the site title."""
    settings = read_settings()
    lines = [line.strip() for line in (settings.letter_sender or "").splitlines() if line.strip()]
    if lines:
        return lines
    name = settings.municipality_name or (
        api.portal.get_registry_record("plone.site_title", default=None) or api.portal.get().Title()
    )
    return [name]


def _level_title(key):
    level = by_key("bos_approval_level", key) if key else None
    return level.title if level is not None else (key or "")


def _is_current(activity, today):
    end = activity.end_date
    if activity.payment_type == "one_time" and end is None:
        end = activity.payment_date
    return end is None or end >= today


def _activity_data(activity, today, change):
    plan = plan_of(activity, activity)
    start = plan.start_date
    reference = start if start is not None and start > today else today
    cost_type = activity.payment_cost_type or "fixed"
    individual = activity.payment_type == "individual"
    per_payment = unit_price = None
    if not individual:
        on_date = (plan.payment_date or today) if activity.payment_type == "one_time" else reference
        per_payment = engine_payments.per_payment_amount(plan, on_date)
        if cost_type in ("per_unit", "rate") and plan.price_history:
            unit_price = plan.price_history.amount_on(on_date)
    rate = by_uid(activity.payment_rate) if cost_type == "rate" else None
    provider = by_uid(activity.service_provider)
    yearly = yearly_totals_of(activity)
    frequency = ""
    if activity.payment_type:
        frequency = describe_plan(
            activity.payment_type, activity.payment_frequency, activity.payment_day_of_month
        )
    return {
        "uid": IUUID(activity),
        "title": activity.Title(),
        "activity_type": activity.activity_type,
        "change": change,
        "updated": bool(change),
        "appropriation_date": _iso(activity.appropriation_date),
        "approval_level": activity.approval_level or "",
        "approval_level_title": _level_title(activity.approval_level),
        "approval_note": activity.approval_note or "",
        "note": activity.note or "",
        "payment_type": activity.payment_type or "",
        "start_date": _iso(activity.start_date),
        "end_date": _iso(activity.end_date),
        "payment_date": _iso(activity.payment_date),
        "fictive": bool(activity.fictive),
        "cost_type": "" if individual else cost_type,
        "rate_title": rate.title if rate is not None else "",
        "unit_price": format_machine(unit_price),
        "units": str(activity.payment_units) if activity.payment_units is not None else "",
        "per_payment": format_machine(per_payment),
        "variable_amount": (not individual) and cost_type in ("per_unit", "rate"),
        "frequency": frequency,
        "this_year": format_machine(yearly.get(today.year, (Decimal("0"), Decimal("0")))[0]),
        "next_year": format_machine(yearly.get(today.year + 1, (Decimal("0"), Decimal("0")))[0]),
        "total": format_machine(total_cost_of(activity)),
        "payment_method": PAYMENT_METHOD_TEXT.get(activity.payment_method, ""),
        "recipient_type": RECIPIENT_TYPE_TEXT.get(activity.recipient_type, ""),
        "recipient_id": activity.recipient_id or "",
        "recipient_name": activity.recipient_name or "",
        "provider": (
            {
                "title": provider.title,
                "cvr": provider.cvr or "",
                "address": ", ".join(
                    part
                    for part in (
                        provider.street,
                        " ".join(p for p in (provider.zip_code, provider.city) if p),
                    )
                    if part
                ),
            }
            if provider is not None
            else None
        ),
    }


def letter_data(appropriation, granted, decision):
    """The plain dict of one grant decision's letter (see the module docstring).

    ``granted`` are the activities granted by the decision (marked "Opdateret"); the letter
    lists every currently granted activity of the appropriation that has not ended, main
    activities first.
    """
    decision = dict(decision or {})
    today = decision.get("appropriation_date") or clock.today()
    if isinstance(today, str):
        today = date.fromisoformat(today)
    granted_uids = {IUUID(a) for a in granted}
    case = case_of(appropriation)
    section = by_uid(appropriation.section)
    shown = [
        activity
        for activity in activities_of(appropriation)
        if IUUID(activity) in granted_uids
        or (status_of(activity) == "granted" and _is_current(activity, today))
    ]
    shown.sort(
        key=lambda a: (
            a.activity_type != "main",
            effective_start(a) or date.min,
            a.Title(),
        )
    )
    changed = _changed_by(decision)
    items = [_activity_data(a, today, _change(IUUID(a), granted_uids, changed)) for a in shown]
    counted = [a for a in activities_of(appropriation) if status_of(a) == "granted"]
    total_this_year = _sum_year(counted, today.year)
    total_next_year = _sum_year(counted, today.year + 1)
    total = sum((total_cost_of(a) for a in counted), Decimal("0"))
    decision_data = {
        key: value
        for key, value in plain(decision).items()
        if key not in ("merges", "end_date_changes")
    }
    decision_data["approval_user_name"] = user_name(decision.get("approval_user") or "")
    if not decision_data.get("approval_level_title"):
        decision_data["approval_level_title"] = _level_title(decision.get("approval_level"))
    municipalities = "os2bos_plone.vocabularies.Municipalities"
    sender = sender_lines()
    return {
        "version": DATA_VERSION,
        "municipality": sender[0],
        "sender": sender[1:],
        "date": today.isoformat(),
        "year": today.year,
        "appropriation": {
            "uid": IUUID(appropriation),
            "sbsys_id": appropriation.sbsys_id or "",
            "section_key": section.key if section is not None else "",
            "section_title": section.title if section is not None else "",
            "section_law": getattr(section, "law_name", "") if section is not None else "",
            "note": appropriation.note or "",
        },
        "case": {
            "uid": IUUID(case) if case is not None else None,
            "sbsys_id": getattr(case, "sbsys_id", "") or "",
            "cpr_number": getattr(case, "cpr_number", "") or "",
            "child_name": case.Title() if case is not None else "",
            "case_worker": getattr(case, "case_worker", "") or "",
            "case_worker_name": user_name(getattr(case, "case_worker", "") or ""),
            "paying_municipality": _term_title(
                municipalities, getattr(case, "paying_municipality", None), case
            ),
            "acting_municipality": _term_title(
                municipalities, getattr(case, "acting_municipality", None), case
            ),
            "residence_municipality": _term_title(
                municipalities, getattr(case, "residence_municipality", None), case
            ),
        },
        "decision": decision_data,
        "activities": items,
        "total_this_year": format_machine(total_this_year),
        "total_next_year": format_machine(total_next_year),
        "total": format_machine(total),
    }


def _sum_year(activities, year):
    return sum(
        (yearly_totals_of(a).get(year, (Decimal("0"),))[0] for a in activities), Decimal("0")
    )


def _changed_by(decision):
    """UIDs of activities a decision changed without granting them for the first time: the
    expected adjustments it granted, the activities they modify, and the supplementary
    activities whose end date it moved."""
    changed = set()
    for merge in decision.get("merges") or []:
        merge = merge if isinstance(merge, dict) else vars(merge)
        changed.update(uid for uid in (merge.get("adjustment"), merge.get("modifies")) if uid)
    changed.update(decision.get("end_date_changes") or {})
    return changed


def _change(uid, granted_uids, changed):
    """ "updated" when the decision changed a measure already granted (an adjustment, a new end
    date), "new" when it granted the activity for the first time, "" when it left it as it was."""
    if uid in changed:
        return "updated"
    if uid in granted_uids:
        return "new"
    return ""


# -- rendering ----------------------------------------------------------------------------------

_REPLACEMENTS = {"→": "->", "≥": ">=", "≤": "<=", "\u00a0": " ", "\u2212": "-"}


def pdf_text(value):
    """The text as the letter prints it: a few symbols spelled out, everything else as written."""
    text = "" if value is None else str(value)
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text


def _year(data):
    """The year the letter's "this year" is (the decision's year)."""
    return data.get("year") or date.fromisoformat(data["date"]).year


def _date(value):
    return format_date(date.fromisoformat(value)) if value else ""


class LetterPDF(FPDF):
    LABEL_WIDTH = 62
    LINE = 5.5

    def __init__(self, data):
        super().__init__(format="A4")
        self.data = data
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=22)
        self.alias_nb_pages()
        self.set_title(pdf_text(f"Bevillingsskrivelse {data['appropriation']['sbsys_id']}"))
        self.set_author(pdf_text(data.get("municipality") or ""))
        self.set_creator("os2bos_plone")

    def set_font(self, family=None, style="", size=0):
        # a face is parsed and embedded only when the letter uses it (the italic one seldom)
        # (fpdf2 itself passes the style as a TextEmphasis, e.g. on a new page)
        face = TextEmphasis.coerce(style).style
        if family == FONT and f"{FONT}{face}" not in self.fonts:
            self.fonts[f"{FONT}{face}"] = letter_face(self, face)
        return super().set_font(family, style, size)

    def header(self):
        data = self.data
        self.set_font(FONT, "B", 13)
        self.cell(110, 7, pdf_text(data.get("municipality") or ""))
        self.set_font(FONT, "", 9)
        self.cell(
            0,
            7,
            pdf_text(f"Side {self.page_no()} af {{nb}}"),
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_font(FONT, "B", 16)
        self.cell(0, 9, "Bevillingsskrivelse", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10)
        self.cell(
            0,
            6,
            pdf_text(f"Foranstaltningssag: {data['appropriation']['sbsys_id']}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        y = self.get_y() + 1
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(y + 4)

    def footer(self):
        self.set_y(-15)
        self.set_font(FONT, "", 8)
        self.cell(
            0,
            5,
            pdf_text(
                f"Bevillingsskrivelse {self.data['appropriation']['sbsys_id']} – "
                f"{_date(self.data.get('date'))}"
            ),
            align="C",
        )

    # building blocks

    def heading(self, text, size=12):
        self.ln(2)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, 7, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10)

    def _one_line(self, width, text):
        """Whether the text fits one line of the column in the current font (fpdf2's line
        breaking, character by character, was a third of a letter's time for the short values
        nearly every row holds)."""
        return "\n" not in text and self.get_string_width(text) < width - 2 * self.c_margin

    def _text_height(self, width, text):
        if self._one_line(width, text):
            return self.LINE
        return self.multi_cell(
            width, self.LINE, text, dry_run=True, output=MethodReturnValue.HEIGHT
        )

    def _column(self, width, text):
        """The text in a column of the row, left at the column's top (the caller moves on)."""
        if self._one_line(width, text):
            self.cell(width, self.LINE, text, align="L")
        else:
            self.multi_cell(width, self.LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.TOP)

    def row(self, label, value):
        """A label and its value side by side; a label longer than its column wraps inside it
        (it never runs into the value), and the row starts on a new page when it does not fit."""
        if value in (None, ""):
            return
        label, value = pdf_text(label), pdf_text(value)
        label_width = self.LABEL_WIDTH - 2
        value_width = self.w - self.r_margin - self.l_margin - self.LABEL_WIDTH
        self.set_font(FONT, "B", 10)
        label_height = self._text_height(label_width, label)
        self.set_font(FONT, "", 10)
        value_height = self._text_height(value_width, value)
        height = max(label_height, value_height)
        if height > self.page_break_trigger - self.t_margin - 30:
            # Longer than a page (a long note): the label above, the value across pages.
            self.set_font(FONT, "B", 10)
            self.multi_cell(0, self.LINE, label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_font(FONT, "", 10)
            self.multi_cell(0, self.LINE, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        top = self.get_y()
        self.set_font(FONT, "B", 10)
        self._column(label_width, label)
        self.set_xy(self.l_margin + self.LABEL_WIDTH, top)
        self.set_font(FONT, "", 10)
        self._column(value_width, value)
        self.set_xy(self.l_margin, top + height)

    def paragraph(self, text):
        if not text:
            return
        self.set_font(FONT, "", 10)
        self.multi_cell(
            0, self.LINE, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )


def _activity_block(pdf, item):
    kind = "Hovedydelse" if item.get("activity_type") == "main" else "Følgeydelse"
    title = f"{item.get('title')} ({kind})"
    # Letters of data version 1 only knew "updated" (every activity the decision granted).
    change = item.get("change", "updated" if item.get("updated") else "")
    if change:
        title = f"{title} – {CHANGE_TEXT[change]}"
    pdf.heading(title, size=11)
    pdf.row("Godkendelsesdato", _date(item.get("appropriation_date")))
    pdf.row("Bevillingsniveau", item.get("approval_level_title"))
    pdf.row("Bemærkning til godkendelse", item.get("approval_note"))
    pdf.row("Ydelse", f"{item.get('title')} – {kind}")
    pdf.row("Supplerende information", item.get("note"))
    if item.get("payment_type") == "one_time":
        pdf.row("Betalingsdato", _date(item.get("payment_date") or item.get("start_date")))
    else:
        pdf.row("Startdato", _date(item.get("start_date")))
        pdf.row("Slutdato", _date(item.get("end_date")) or "Løbende (ingen slutdato)")
    if item.get("fictive"):
        pdf.row("Fiktiv", "Ja – betalingerne planlægges, men udbetales ikke")
    cost_type = item.get("cost_type")
    unit = COST_TYPE_TEXT.get(cost_type, "")
    price = display_money(item.get("unit_price"), empty="")
    if cost_type == "rate":
        unit = f"{unit}: {item.get('rate_title')} ({price})"
    elif cost_type == "per_unit" and item.get("unit_price"):
        unit = f"{unit}: {price}"
    pdf.row("Afregningsenhed", unit)
    if cost_type in ("per_unit", "rate") and item.get("units"):
        pdf.row("Antal", format_number(Decimal(item["units"]), 2))
    if item.get("per_payment") is not None:
        star = " *" if item.get("variable_amount") else ""
        pdf.row("Beløb pr. betaling", f"{display_money(item['per_payment'], empty='')}{star}")
    pdf.row("Betalingsfrekvens", item.get("frequency"))
    year = _year(pdf.data)
    pdf.row(f"Omkostninger {year}", display_money(item.get("this_year"), empty=""))
    if item.get("next_year") is not None:
        pdf.row(f"Omkostninger {year + 1}", display_money(item.get("next_year"), empty=""))
    pdf.row("Omkostninger i alt for perioden", display_money(item.get("total"), empty=""))
    pdf.row("Betales via", item.get("payment_method"))
    recipient = ", ".join(
        part
        for part in (
            item.get("recipient_type"),
            item.get("recipient_name"),
            item.get("recipient_id"),
        )
        if part
    )
    pdf.row("Modtager", recipient)
    provider = item.get("provider")
    if provider:
        text = provider.get("title") or ""
        if provider.get("cvr"):
            text = f"{text}, CVR {provider['cvr']}"
        if provider.get("address"):
            text = f"{text}, {provider['address']}"
        pdf.row("Leverandør", text)


def render_letter(data, compress=True):
    """PDF bytes of a letter from :func:`letter_data`'s dict."""
    pdf = LetterPDF(data)
    pdf.set_compression(compress)
    pdf.add_page()
    if data.get("sender"):
        pdf.set_font(FONT, "", 9)
        for line in data["sender"]:
            pdf.cell(0, 4.5, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    case = data.get("case") or {}
    pdf.row("Sagsbehandler", case.get("case_worker_name"))
    pdf.row("CPR-nummer", case.get("cpr_number"))
    pdf.row("Navn", case.get("child_name"))
    pdf.row("Hovedsag SBSYS-nr.", case.get("sbsys_id"))
    pdf.row("Betalingskommune", case.get("paying_municipality"))
    pdf.row("Handlekommune", case.get("acting_municipality"))
    pdf.row("Bopælskommune", case.get("residence_municipality"))

    appropriation = data.get("appropriation") or {}
    section = section_label(
        appropriation.get("section_key"),
        appropriation.get("section_title"),
        appropriation.get("section_law"),
    )
    pdf.heading(f"Bevilget efter {section}")
    if appropriation.get("note"):
        pdf.row("Supplerende oplysninger", appropriation["note"])

    decision = data.get("decision") or {}
    pdf.row("Bevillingskompetence", decision.get("approval_level_title"))
    pdf.row("Bevilget af", decision.get("approval_user_name"))
    pdf.row("Mødedato", _date(decision.get("meeting_date")))
    pdf.row("Mødereference", decision.get("decision_reference"))
    pdf.row("Afgørelse", decision.get("decision_text"))

    pdf.heading("Det bevilges:", size=13)
    items = data.get("activities") or []
    first_supplementary = True
    for item in items:
        if item.get("activity_type") != "main":
            if first_supplementary or pdf.get_y() > pdf.h / 2:
                pdf.add_page()
            first_supplementary = False
        _activity_block(pdf, item)
    if not items:
        pdf.paragraph("Ingen ydelser.")

    pdf.ln(4)
    y = pdf.get_y()
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.ln(2)
    year = _year(data)
    pdf.heading("Bevillingens samlede omkostninger", size=11)
    pdf.row(f"I år ({year})", display_money(data.get("total_this_year"), empty=""))
    if data.get("total_next_year") is not None:
        pdf.row(f"Næste år ({year + 1})", display_money(data["total_next_year"], empty=""))
    if data.get("total") is not None:
        pdf.row("I alt for perioden", display_money(data["total"], empty=""))
    if any(item.get("variable_amount") for item in items):
        pdf.ln(2)
        pdf.set_font(FONT, "I", 9)
        pdf.multi_cell(0, 5, pdf_text(FOOTNOTE), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


# -- storing ------------------------------------------------------------------------------------


def _slug(text):

    return re.sub(r"[^a-z0-9.-]+", "-", (text or "").lower()).strip("-") or "bevilling"


def _next_number(appropriation):
    annotations = IAnnotations(appropriation)
    number = int(annotations.get(LETTER_COUNTER_KEY, 0)) + 1
    annotations[LETTER_COUNTER_KEY] = number
    return number


def store_letter(case, data, pdf, number):
    """Create the letter (a ``bos_letter``, see content.letter) in the case and return it.

    A letter is never changed: a later decision, or making a journal entry's letter again,
    stores a new letter with the next free number. The add permission is held by no role, so
    the letter is made here without the add check; the type's workflow
    lets no one change or delete it afterwards.
    """
    sbsys = data["appropriation"]["sbsys_id"]
    file_id = f"bevillingsskrivelse-{_slug(sbsys)}-{number}.pdf"
    while file_id in case.objectIds():
        number += 1
        file_id = f"bevillingsskrivelse-{_slug(sbsys)}-{number}.pdf"
    when = _date(data.get("date"))
    letter = createContent(
        LETTER_TYPE,
        id=file_id,
        title=f"Bevillingsskrivelse {sbsys} {when}",
        description=(
            f"Bevillingsskrivelse for bevilling {sbsys} efter § "
            f"{data['appropriation'].get('section_key') or ''}, {when}."
        ),
        file=NamedBlobFile(data=pdf, contentType="application/pdf", filename=file_id),
    )
    letter.sha256 = sha256_of(pdf)  # a read-only schema field: set once, here
    # _setObject keeps the id as given (a name chooser would normalize the dots away) and
    # checks no add permission: no role holds it.
    case._setObject(file_id, letter)
    return case[file_id]


def create_letter(appropriation, granted, decision):
    """Make and store the letter of a grant decision: (letter, the letter's data dict).

    The letter's SHA-256 is ``letter.sha256``; the decision's journal entry keeps it as
    ``data["letter_sha256"]`` (decisions.journaling)."""
    data = letter_data(appropriation, granted, decision)
    pdf = render_letter(data)
    number = _next_number(appropriation)
    data["number"] = number
    letter = store_letter(case_of(appropriation), data, pdf, number)
    return letter, data


def recreate_letter(case, entry):
    """Render a journal entry's letter again from its stored data, as a new letter (the stored
    one is never replaced), and journal it with the new PDF's SHA-256. Returns the new letter."""
    data = entry.data
    if not data.get("appropriation"):
        raise ValueError("the journal entry holds no letter data")
    data.pop(LETTER_SHA256, None)
    pdf = render_letter(data)
    letter = store_letter(case, data, pdf, data.get("number") or 1)
    add_entry(
        case,
        "letter_recreated",
        f"Bevillingsskrivelsen for bevilling {data['appropriation']['sbsys_id']} af "
        f"{_date(data.get('date'))} er dannet igen ud fra journalen (SHA-256 {letter.sha256}).",
        obj=letter,
        letter=IUUID(letter),
        data={"entry": entry.id, "replaces": entry.letter, LETTER_SHA256: letter.sha256},
    )
    return letter
