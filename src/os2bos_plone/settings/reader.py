"""Reading the settings for the rest of the code: one frozen value, defaults when unset."""

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from plone.registry.interfaces import IRegistry
from zope.component import queryUtility
from zope.schema import getFieldsInOrder

from os2bos_plone.engine.accounts import UNKNOWN_ACCOUNT
from os2bos_plone.settings.interfaces import PREFIX
from os2bos_plone.settings.interfaces import IBosSettings

FIELD_NAMES = tuple(name for name, _field in getFieldsInOrder(IBosSettings))


@dataclass(frozen=True)
class Settings:
    municipality_name: str = ""
    municipality_number: str = ""
    letter_sender: str = ""
    prisme_org_unit: str = ""
    prisme_machine_number: str = ""
    account_department: str = ""
    account_kind: str = ""
    account_unknown: str = UNKNOWN_ACCOUNT
    payment_office_email: str = ""
    dst_subject_name: str = ""
    dst_subject_email: str = ""
    dst_subject_phone: str = ""
    dst_technical_name: str = ""
    dst_technical_email: str = ""
    dst_technical_phone: str = ""
    dst_receipt_name: str = ""
    dst_receipt_email: str = ""
    cvr_number: str = ""
    p_number: str = ""
    payment_files_folder: str = ""
    reports_folder: str = ""

    @property
    def payment_files_path(self) -> Path:
        """Where payment files are written (the setting, else under the instance's var dir)."""
        return Path(self.payment_files_folder) if self.payment_files_folder else _var("prisme")

    @property
    def reports_path(self) -> Path:
        return Path(self.reports_folder) if self.reports_folder else _var("reports")


def _var(name):
    # CLIENT_HOME is the instance's var/<instance> dir under plone.recipe.zope2instance / Zope;
    # the current directory's var/ otherwise (tests, scripts).
    home = os.environ.get("CLIENT_HOME")
    if not home:
        try:
            from App.config import getConfiguration

            home = getattr(getConfiguration(), "clienthome", None)
        except ImportError:  # pragma: no cover - Zope is always there in the add-on
            home = None
    return Path(home or "var") / "os2bos" / name


def read():
    """The settings now; defaults for records that are missing (before install or upgrade)."""
    registry = queryUtility(IRegistry)
    values = {}
    if registry is not None:
        for name in FIELD_NAMES:
            value = registry.get(f"{PREFIX}.{name}")
            if value is not None:
                values[name] = value
    defaults = Settings()
    return dataclasses.replace(
        defaults,
        **{name: value for name, value in values.items() if value or name != "account_unknown"},
    )


def write(**values):
    """Set records (demo site, tests); unknown names raise KeyError."""
    registry = queryUtility(IRegistry)
    for name, value in values.items():
        if name not in FIELD_NAMES:
            raise KeyError(name)
        registry[f"{PREFIX}.{name}"] = value
