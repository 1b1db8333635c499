"""The settings a production start refuses (PRODUCTION=1).

Used by scripts/make_instance.py (so 'make start' stops before anything is served) and by
scripts/create_site.py. Kept free of Plone imports in its own body so the scripts stay quick.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DEFAULT_ADMIN_PASSWORD",
    "MSG_NO_DEMO",
    "is_production",
    "production_refusals",
    "refuse_demo_in_production",
    "refuse_unsafe_production",
    "secure_cookies",
    "set_cookie_policy",
    "wants_demo",
]

#: The password the README and the Makefile publish; never good enough for production.
DEFAULT_ADMIN_PASSWORD = "admin"

_TRUE = ("1", "true", "yes", "ja", "on")

MSG_NO_DEMO = (
    "PRODUCTION=1: demodata (med demobrugernes offentlige adgangskode) indlæses ikke "
    "i produktion. Start med DEMO=0."
)


def is_production(environ: Mapping[str, str]) -> bool:
    return environ.get("PRODUCTION", "").strip().lower() in _TRUE


def wants_demo(environ: Mapping[str, str]) -> bool:
    """DEMO defaults to 1 for a trial site, to 0 in production."""
    default = "0" if is_production(environ) else "1"
    return environ.get("DEMO", default).strip() not in ("", "0")


def secure_cookies(environ: Mapping[str, str]) -> bool:
    """SECURE_COOKIES: the login cookie only over HTTPS. Defaults to on in production, where the
    site is served behind an HTTPS proxy; off for a trial on http://localhost."""
    default = "1" if is_production(environ) else "0"
    return environ.get("SECURE_COOKIES", default).strip().lower() in _TRUE


def set_cookie_policy(portal, environ: Mapping[str, str]) -> bool:
    """Apply SECURE_COOKIES to the site's session plugin (plone.session's ``secure``); returns
    whether the value changed (the caller commits). Run on every start by scripts/create_site.py,
    so the setting follows instance.env."""
    session = portal.acl_users.session
    wanted = secure_cookies(environ)
    if bool(session.getProperty("secure")) == wanted:
        return False
    session._updateProperty("secure", wanted)
    return True


def production_refusals(environ: Mapping[str, str]) -> list[str]:
    """Danish reasons a production start is refused; empty when it may go on."""
    if not is_production(environ):
        return []
    reasons = []
    password = environ.get("ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD)
    if password.strip() in ("", DEFAULT_ADMIN_PASSWORD):
        reasons.append(
            "PRODUCTION=1: administratorens adgangskode må ikke være standardkoden »admin« "
            "(eller tom). Angiv en anden med ADMIN_PASSWORD=..."
        )
    if wants_demo(environ):
        reasons.append(MSG_NO_DEMO)
    return reasons


def _refuse(reasons: list[str]) -> None:
    if reasons:
        import sys

        for reason in reasons:
            print(reason, file=sys.stderr)
        sys.exit(2)


def refuse_unsafe_production(environ: Mapping[str, str]) -> None:
    """Exit with status 2 and the Danish reasons when a production start is unsafe."""
    _refuse(production_refusals(environ))


def refuse_demo_in_production(environ: Mapping[str, str]) -> None:
    """'make demo' on a production site: exit with status 2 and the Danish reason."""
    _refuse([MSG_NO_DEMO] if is_production(environ) else [])
