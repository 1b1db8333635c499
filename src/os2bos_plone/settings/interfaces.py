"""The settings schema: one plone.registry record per field, prefix :data:`PREFIX`."""

import re

from zope import schema
from zope.interface import Interface

from os2bos_plone import _
from os2bos_plone.engine.accounts import UNKNOWN_ACCOUNT
from os2bos_plone.interfaces import DanishValidationError

PREFIX = "os2bos_plone.settings"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def digits(count, what):
    """A constraint: empty, or exactly ``count`` digits."""

    def constraint(value):
        if value and not (len(value) == count and value.isdigit()):
            raise DanishValidationError(f"{what} skal være præcis {count} cifre.")
        return True

    return constraint


def email(value):
    if value and not _EMAIL.match(value):
        raise DanishValidationError("Ugyldig e-mailadresse.")
    return True


def phone(value):
    if value and not re.fullmatch(r"\+?[0-9 ]{8,15}", value):
        raise DanishValidationError("Telefonnummeret skal være 8 cifre (evt. med landekode).")
    return True


def folder(value):
    if value and not value.startswith("/"):
        raise DanishValidationError("Angiv mappen som en absolut sti (begynder med /).")
    return True


def _line(title, description=None, constraint=None, default=""):
    return schema.TextLine(
        title=title,
        description=description,
        required=False,
        default=default,
        missing_value="",
        constraint=constraint,
    )


class IBosSettings(Interface):
    """Bevilling og Styring – indstillinger."""

    municipality_name = _line(_("Municipality name"))
    municipality_number = _line(
        _("Municipality number"),
        _("The three-digit municipality code (e.g. 151 for Ballerup)."),
        digits(3, "Kommunenummeret"),
    )

    letter_sender = schema.Text(
        title=_("The letters' sender"),
        description=_(
            "Printed as the sender of grant letters: the municipality, the department and its "
            "address, one line each."
        ),
        required=False,
        default="",
        missing_value="",
    )

    prisme_org_unit = _line(
        _("PRISME organisation unit"),
        _("Four digits; field 02 of the payment file."),
        digits(4, "PRISME-organisationsenheden"),
    )
    prisme_machine_number = _line(
        _("PRISME machine number"),
        _("Five digits; field 103 of the payment file."),
        digits(5, "PRISME-maskinnummeret"),
    )
    account_department = _line(
        _("Account department"),
        _("The first part of the account string of person payments in cash."),
    )
    account_kind = _line(
        _("Account kind"),
        _("The last part of the account string of person payments in cash."),
    )
    account_unknown = _line(
        _("Text for an unknown account"),
        _("Written in the account string when the service has no account."),
        default=UNKNOWN_ACCOUNT,
    )

    payment_office_email = _line(
        _("The payment office's e-mail address"),
        _("Mails about created, changed and ended activities go here."),
        email,
    )

    dst_subject_name = _line(_("DST contact (subject matter): name"))
    dst_subject_email = _line(_("DST contact (subject matter): e-mail"), constraint=email)
    dst_subject_phone = _line(_("DST contact (subject matter): phone"), constraint=phone)
    dst_technical_name = _line(_("DST contact (technical): name"))
    dst_technical_email = _line(_("DST contact (technical): e-mail"), constraint=email)
    dst_technical_phone = _line(_("DST contact (technical): phone"), constraint=phone)
    dst_receipt_name = _line(_("DST receipt recipient: name"))
    dst_receipt_email = _line(_("DST receipt recipient: e-mail"), constraint=email)

    cvr_number = _line(_("CVR number"), constraint=digits(8, "CVR-nummeret"))
    p_number = _line(_("P-number"), constraint=digits(10, "P-nummeret"))

    payment_files_folder = _line(
        _("Folder for payment files"),
        _("An absolute path on the server; empty: var/os2bos/prisme under the instance."),
        folder,
    )
    reports_folder = _line(
        _("Folder for reports"),
        _("An absolute path on the server; empty: var/os2bos/reports under the instance."),
        folder,
    )
