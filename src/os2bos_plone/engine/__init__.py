"""Plain-Python domain engine: no Plone or Zope import is allowed in this package."""
