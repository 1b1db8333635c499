"""The add-on's Danish translations win over Plone's own (plone.app.locales).

zope.i18n asks a domain's catalogs in the order they were registered and takes the first that
knows a msgid. plone.app.locales is registered before this add-on, and its Danish catalog of the
``plone`` domain holds English msgstrs for some msgids (``label_site_administration`` is "Site
administration"), so an override in ``locales/da/LC_MESSAGES/plone.po`` would never be read.
The ``bos:preferTranslations`` directive moves the catalogs of a directory to the front of
their domains, after every ``i18n:registerTranslations`` has run (a later action order).
"""

import os

from zope.component import getUtilitiesFor
from zope.i18n.interfaces import ITranslationDomain
from zope.interface import Interface
from zope.schema import TextLine

#: After the registerTranslations actions (order 0) of every package.
AFTER_ALL_TRANSLATIONS = 10


class IPreferTranslations(Interface):
    directory = TextLine(title="The locales directory whose catalogs come first", required=True)


def catalogs_first(directory):
    """Move the catalogs read from ``directory`` to the front of every domain and language."""
    prefix = os.path.normpath(directory) + os.sep
    for _name, domain in getUtilitiesFor(ITranslationDomain):
        catalogs = getattr(domain, "_catalogs", None)
        if not catalogs:
            continue
        for language, names in catalogs.items():
            own = [name for name in names if str(name).startswith(prefix)]
            if own:
                catalogs[language] = own + [name for name in names if name not in own]


def prefer_translations(_context, directory):
    path = _context.path(directory)
    _context.action(
        discriminator=("bos:preferTranslations", path),
        callable=catalogs_first,
        args=(path,),
        order=AFTER_ALL_TRANSLATIONS,
    )
