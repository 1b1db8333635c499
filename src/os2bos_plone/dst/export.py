"""One delivery to Danmarks Statistik: read the grants, apply the rules, write the XML, and keep
the delivery when it is real (test=false)."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from os2bos_plone.dst import deliveries
from os2bos_plone.dst.collect import grants
from os2bos_plone.dst.xml import delivery
from os2bos_plone.engine import clock
from os2bos_plone.engine.dst import EARLIEST
from os2bos_plone.engine.dst import KINDS
from os2bos_plone.engine.dst import file_name
from os2bos_plone.engine.dst import select
from os2bos_plone.settings import reader

KIND_TITLES = {
    "preventive": "Forebyggende foranstaltninger (L201)",
    "handicap": "Børn og unge med handicap (L231)",
}

MSG_NOTHING = "Der er intet at indberette i perioden."
MSG_SETTINGS = "Udtrækket kan ikke dannes, før indstillingerne er udfyldt."


class DstSettingsMissing(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def settings_problems(settings):
    """What is missing in the settings before a file can be made (Danish, one per setting)."""
    problems = []
    number = (settings.municipality_number or "").strip()
    if not number:
        problems.append("Kommunenummeret mangler i indstillingerne.")
    if not (settings.cvr_number or "").isdigit() or len(settings.cvr_number) != 8:
        problems.append("CVR-nummeret i indstillingerne skal være 8 cifre.")
    if len(settings.p_number or "") != 10:
        problems.append("P-nummeret i indstillingerne skal være 10 tegn.")
    for title, name, email in (
        ("den faglige kontakt", settings.dst_subject_name, settings.dst_subject_email),
        ("den tekniske kontakt", settings.dst_technical_name, settings.dst_technical_email),
        ("kvitteringsmodtageren", settings.dst_receipt_name, settings.dst_receipt_email),
    ):
        if not (name or "").strip():
            problems.append(f"Navnet på {title} mangler i indstillingerne.")
        if "@" not in (email or ""):
            problems.append(f"E-mailadressen på {title} mangler i indstillingerne.")
    return problems


@dataclass
class DstResult:
    kind: str
    filename: str
    content: bytes
    records: list
    skipped: list = field(default_factory=list)

    @property
    def case_count(self):
        return len({uid for record in self.records for uid in record.case_uids})


def run(kind, from_date=None, to_date=None, test=True, initial_load=False, user_id=""):
    """The delivery's file; a real one (test=False) is kept in the log of deliveries.

    Raises DstSettingsMissing when the settings lack what the file must say; the result has no
    records (and is not kept) when nothing is to be reported."""
    settings = reader.read()
    problems = settings_problems(settings)
    if problems:
        raise DstSettingsMissing(problems)
    today = clock.today()
    from_date = from_date or EARLIEST
    to_date = to_date or today
    # Local time (Europe/Copenhagen): the file name and the delivery's day are the municipality's.
    now = clock.now().replace(microsecond=0)
    selection = select(
        grants(kind, from_date, to_date, initial_load),
        kind,
        from_date,
        to_date,
        initial_load=initial_load,
        today=today,
    )
    number = settings.municipality_number.strip()
    filename = file_name(kind, test, number, now)
    content = delivery(kind, selection.records, test, settings, now) if selection.records else b""
    result = DstResult(kind, filename, content, selection.records, selection.skipped)
    if selection.records and not test:
        deliveries.record(
            kind, now, user_id, from_date, to_date, filename, initial_load, len(selection.records)
        )
    return result


# -- the parameters of a delivery (REST and the screen) ------------------------------------

MSG_KIND = "Angiv »kind« som preventive eller handicap."
MSG_BOOL = "Angiv »{name}« som true eller false."
MSG_DATE = "Ugyldig dato. Angiv datoen som ÅÅÅÅ-MM-DD."
MSG_PERIOD = "Fradatoen skal ligge før eller på tildatoen."


def _flag(form, name, default, errors):
    value = str(form.get(name, "") or "").strip().lower()
    if not value:
        return default
    if value in ("true", "1", "ja"):
        return True
    if value in ("false", "0", "nej"):
        return False
    errors.append((name, MSG_BOOL.format(name=name)))
    return default


def _day(form, name, errors):
    value = str(form.get(name, "") or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append((name, MSG_DATE))
        return None


def read_parameters(form):
    """(kind, from_date, to_date, test, initial_load, [(field, Danish message)])."""
    errors = []
    kind = str(form.get("kind", "") or "").strip()
    if kind not in KINDS:
        errors.append(("kind", MSG_KIND))
    from_date = _day(form, "from_date", errors)
    to_date = _day(form, "to_date", errors)
    if from_date and to_date and from_date > to_date:
        errors.append(("from_date", MSG_PERIOD))
    test = _flag(form, "test", True, errors)
    initial_load = _flag(form, "initial_load", False, errors)
    return kind, from_date, to_date, test, initial_load, errors
