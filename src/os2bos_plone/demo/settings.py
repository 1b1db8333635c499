"""Demo values for the settings (»Bevilling og Styring – indstillinger«).

Only records that are still empty get a value, so a demo load never overwrites what an
administrator has set, and a second load changes nothing."""

from plone import api

from os2bos_plone import settings
from os2bos_plone.classification.reader import regelmotor
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


def set_demo_account_aliases(portal, progress=print):
    """A PRISME account alias for every account the catalogue's services book on, so the demo's
    payment file has them all. Real aliases are the municipality's own (the OS2BOS import or the
    regelmotor workbook); rows already there are kept."""
    container = regelmotor()
    rows = list(getattr(container, "account_aliases", None) or [])
    known = {(row.get("main_account_number"), row.get("category_id")) for row in rows}
    added = 0
    for brain in api.content.find(portal_type="bos_service", unrestricted=True):
        service = brain._unrestrictedGetObject()
        for entry in getattr(service, "sections", None) or []:
            category = entry.get("activity_category") or getattr(service, "activity_category", "")
            for main in (
                entry.get("main_account_number"),
                entry.get("supplementary_main_account_number"),
            ):
                if not main or not category or (main, category) in known:
                    continue
                known.add((main, category))
                rows.append(
                    {
                        "alias": f"DEMO{len(rows) + 1:06d}",
                        "main_account_number": main,
                        "category_id": category,
                    }
                )
                added += 1
    if added:
        container.account_aliases = rows
    progress(f"  kontoaliaser: {added} tilføjet")
