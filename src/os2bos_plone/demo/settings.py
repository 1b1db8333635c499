"""Demo values for the settings (»Bevilling og Styring – indstillinger«).

Only records that are still empty get a value, so a demo load never overwrites what an
administrator has set, and a second load changes nothing."""

from os2bos_plone import settings
from os2bos_plone.settings.reader import write

DEMO_SETTINGS = {
    "municipality_name": "Demo Kommune",
    "municipality_number": "999",
    "prisme_org_unit": "0999",
    "prisme_machine_number": "00999",
    "account_department": "99999",
    "account_kind": "999",
    "payment_office_email": "betalinger@demo-kommune.dk",
    "dst_subject_name": "Faglig Kontakt",
    "dst_subject_email": "faglig@demo-kommune.dk",
    "dst_subject_phone": "99999999",
    "dst_technical_name": "Teknisk Kontakt",
    "dst_technical_email": "it@demo-kommune.dk",
    "dst_technical_phone": "99999998",
    "dst_receipt_name": "Kvittering",
    "dst_receipt_email": "kvittering@demo-kommune.dk",
    "cvr_number": "99999999",
    "p_number": "9999999999",
}


def set_demo_settings(portal, progress=print):
    current = settings.read()
    missing = {name: value for name, value in DEMO_SETTINGS.items() if not getattr(current, name)}
    if missing:
        write(**missing)
    progress(f"  indstillinger: {len(missing)} sat")
