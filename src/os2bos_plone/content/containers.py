"""The two top-level containers the add-on installs: /sager and /regelmotor."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer


class ICasesFolder(model.Schema):
    """The container of all cases (Sager)."""


@implementer(ICasesFolder)
class CasesFolder(Container):
    pass


class IRegelmotor(model.Schema):
    """The container of the classification (regelmotor)."""


@implementer(IRegelmotor)
class Regelmotor(Container):
    pass
