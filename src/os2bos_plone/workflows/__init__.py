"""Python objects behind workflow guards and transition handlers.

The DCWorkflow XML lives in profiles/default/workflows/; every guard expression there calls one
small object here, which in turn asks the plain-Python rule in os2bos_plone.engine.
"""
