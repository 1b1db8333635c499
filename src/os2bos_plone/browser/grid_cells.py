"""Every cell of a data grid (collective.z3cform.datagridfield) named by its column and row.

The grid's column headings are no <label> of its cells, so a screen reader said only "edit
text" and axe found form fields without a name (critical) on every form with a grid: the
budget's lines as much as the regelmotor's lists. After the grid widget is updated, each cell
gets the title "<column>, række <n>" (the accessible name of a field without a label).
"""

from collective.z3cform.datagridfield.interfaces import IDataGridFieldWidget
from zope.i18n import translate

from os2bos_plone import _
from os2bos_plone.interfaces import IOs2BosPloneLayer


def name_grid_cells(grid, request):
    labels = {
        column["name"]: translate(column["label"], context=request) for column in grid.columns
    }
    for row in grid.widgets:
        index = row.name.rsplit(".", 1)[-1]
        where = translate(
            _("row ${number}", mapping={"number": int(index) + 1})
            if index.isdigit()
            else _("new row"),
            context=request,
        )
        for name, cell in getattr(row, "widgets", {}).items():
            if name in labels and not getattr(cell, "title", None):
                cell.title = f"{labels[name]}, {where}"


def grid_updated(event):
    """IAfterWidgetUpdateEvent: name the cells of the product's grids."""
    widget = event.widget
    request = getattr(widget, "request", None)
    if IDataGridFieldWidget.providedBy(widget) and IOs2BosPloneLayer.providedBy(request):
        name_grid_cells(widget, request)
