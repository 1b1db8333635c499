"""One edit form per list of the regelmotor (approval rules, teams, target groups, ...).

``<regelmotor>/@@bos-regelmotor-edit?list=teams`` shows and saves the teams only: the Dexterity
edit form of the regelmotor narrowed to one field, so a save runs the same schema validation and
invariants (the other lists are read from the stored object) and the same events
(ObjectModifiedEvent: security.teams re-catalogues the cases of a moved team) as the full edit
form, and leaves every other list as it is.
"""

from plone.dexterity.browser.edit import DefaultEditForm
from plone.z3cform import layout
from zExceptions import NotFound

from os2bos_plone import _
from os2bos_plone.browser.grid_cells import name_grid_cells
from os2bos_plone.browser.regelmotor import LISTS
from os2bos_plone.browser.regelmotor import list_form_url

LIST_TITLES = {name: title for name, title, _fieldset in LISTS}


class RegelmotorListForm(DefaultEditForm):
    """The edit form of one list field of IRegelmotor."""

    success_message = _("The list is saved.")

    @property
    def list_name(self):
        name = self.request.form.get("list")
        if name not in LIST_TITLES:
            raise NotFound(self.context, name, self.request)
        return name

    @property
    def label(self):
        return LIST_TITLES[self.list_name]

    @property
    def action(self):
        # Posts back to this list's form (z3c.form's default action drops the query string).
        return list_form_url(self.context, self.list_name)

    def updateFields(self):
        super().updateFields()
        name = self.list_name
        # The lists live in fieldsets (groups); keep the one field with its widget settings
        # (the DataGrid widget from the schema's directive) and drop every other field.
        for fields in [self.fields] + [group.fields for group in self.groups]:
            if name in fields:
                self.fields = fields.select(name)
                break
        self.groups = []

    def updateWidgets(self, prefix=None):
        super().updateWidgets(prefix=prefix)
        self.name_the_cells()

    def name_the_cells(self):
        """Each cell of the grid is named by its column and row ("Nøgle, række 2"): the column
        headings are no <label> of the cells, so a screen reader had only "edit text"."""
        name_grid_cells(self.widgets[self.list_name], self.request)

    def extractData(self, setErrors=True):
        data, errors = super().extractData(setErrors=setErrors)
        if setErrors and errors:
            # An invariant of the regelmotor (a key twice, a rule without a level) is about this
            # list: show it at the list as well as at the top of the form.
            widget = self.widgets[self.list_name]
            invariant_errors = [error for error in errors if error.widget is None]
            if invariant_errors and widget.error is None:
                widget.error = invariant_errors[0]
        return data, errors

    def nextURL(self):
        return self.context.absolute_url()


RegelmotorListView = layout.wrap_form(RegelmotorListForm)
