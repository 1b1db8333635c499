"""The product's chrome, by configuration rather than template overrides.

- The site's default view is the start page (@@bos-start): Plone sends a user to the site's
  front page after login when the login came from nowhere else, so every role lands on it.
- The site title (plone.site_title and the site's own title) is the municipality's name from the
  settings (os2bos_plone.settings.municipality_name), and the logo is a small SVG with that name
  (only while the site has no logo of its own: a real logo uploaded in the site control panel is
  never replaced). Kept in step when the setting changes (``municipality_changed``).
- The colophon and the document byline are hidden by profiles/default/viewlets.xml, the footer's
  "Powered by Plone" portlets removed by portlets.xml.
"""

from xml.sax.saxutils import escape

from plone import api
from plone.formwidget.namedfile.converter import b64decode_file
from plone.formwidget.namedfile.converter import b64encode_file
from plone.registry.interfaces import IRegistry
from zope.component import queryUtility

from os2bos_plone import logger
from os2bos_plone.settings import read as read_settings
from os2bos_plone.settings.interfaces import PREFIX

START_VIEW = "bos-start"
#: The file name of the generated logo: a logo with another name is the municipality's own.
LOGO_FILENAME = "bos-kommune-logo.svg"
MUNICIPALITY_RECORD = f"{PREFIX}.municipality_name"


def logo_svg(name):
    """An SVG logo showing ``name`` (dark blue text, at least 4.5:1 against white)."""
    width = max(120, 17 * len(name) + 16)  # bold 24 px: wide letters fit too
    text = escape(name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="48" viewBox="0 0 {width} 48" role="img">'
        f"<title>{text}</title>"
        '<text x="4" y="33" font-family="Helvetica, Arial, sans-serif" font-size="24" '
        f'font-weight="bold" fill="#0b3d6b">{text}</text>'
        "</svg>"
    ).encode()


def apply_municipality_name(name):
    """Site title and (generated) logo from the municipality's name; False without a name."""
    name = (name or "").strip()
    registry = queryUtility(IRegistry)
    if not name or registry is None:
        return False
    registry["plone.site_title"] = name
    portal = api.portal.get()
    if portal.Title() != name:
        portal.setTitle(name)
    current = registry.get("plone.site_logo")
    own_logo = bool(current) and b64decode_file(current)[0] != LOGO_FILENAME
    if not own_logo:
        registry["plone.site_logo"] = b64encode_file(LOGO_FILENAME, logo_svg(name))
    return True


def apply_chrome(portal):
    """The start page as the site's default view and the municipality's name (install and
    upgrade 1008; running it again changes nothing)."""
    from os2bos_plone.browser.startpage import visits

    if portal.getLayout() != START_VIEW:
        portal.setLayout(START_VIEW)
    visits(portal, create=True)
    apply_municipality_name(read_settings().municipality_name)
    logger.info("Startsiden er sitets forside")


def municipality_changed(event):
    """IRecordModifiedEvent: the municipality's name changed in the settings."""
    record = getattr(event, "record", None)
    if getattr(record, "__name__", None) == MUNICIPALITY_RECORD:
        apply_municipality_name(event.newValue)
