"""The product's settings (the control panel »Bevilling og Styring – indstillinger«).

plone.registry records of :class:`~os2bos_plone.settings.interfaces.IBosSettings`; the rest of
the code reads them through :func:`~os2bos_plone.settings.reader.read`, never the registry.
"""

from os2bos_plone.settings.reader import Settings  # noqa: F401
from os2bos_plone.settings.reader import read  # noqa: F401
