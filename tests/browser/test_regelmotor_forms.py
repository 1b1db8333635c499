"""The regelmotor's lists, each edited on its own form (@@bos-regelmotor-edit?list=<name>),
rendered and posted in-process as the browser would (integration layer).

A list's form saves that list alone, through the regelmotor's schema validation and invariants
and its ObjectModifiedEvent (security.teams re-catalogues the cases of a moved team); the other
lists stay as they were. The rows load with their values (the teams once loaded as empty
required rows: the data grid's row converter reads only a row schema's own fields)."""

import copy
import re
from decimal import Decimal

import pytest
from AccessControl import Unauthorized
from collective.z3cform.datagridfield.row import DictRow
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from zope.interface import alsoProvides
from zope.schema import getFieldsInOrder

from os2bos_plone.browser.regelmotor import LISTS
from os2bos_plone.browser.regelmotor_forms import RegelmotorListForm
from os2bos_plone.content.containers import IRegelmotor
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.security.teams import sync_team_groups
from tests.builders import ensure_user
from tests.builders import make_case
from tests.builders import submitted_fields
from tests.builders import text_of
from tests.builders import view

LIST_NAMES = [name for name, _title, _fieldset in LISTS]
ADMIN = "rm-forms-admin"
WORKER = "rm-forms-worker"


def _request(portal, form=None, method="GET"):
    request = portal.REQUEST
    alsoProvides(request, IOs2BosPloneLayer)
    request.form.clear()
    request.form.update(form or {})
    request.method = method
    request.environ["REQUEST_METHOD"] = method
    request.response.setStatus(200)
    return request


def list_form(portal, name, form=None, method="GET"):
    """The list form of the regelmotor, traversed as the logged-in user would reach it."""
    request = _request(portal, {"list": name, **(form or {})}, method)
    page = portal["regelmotor"].restrictedTraverse("@@bos-regelmotor-edit")
    page.request = request
    return page


def loaded(portal, name):
    """The list form's fields as the browser would submit them unchanged (GET, then read)."""
    return submitted_fields(list_form(portal, name)(), prefix=f"form.widgets.{name}.")


def save(portal, name, fields):
    page = list_form(portal, name, {**fields, "form.buttons.save": "Gem"}, method="POST")
    html = page()
    return page, html


def plain(row):
    return {key: value if value != "" else None for key, value in row.items()}


def lists_of(regelmotor):
    return {field: copy.deepcopy(getattr(regelmotor, field, None)) for field in LIST_NAMES}


@pytest.fixture
def admin(manager):
    """Logged in as the regelmotor role (BOS Regelmotor), which maintains the lists."""
    ensure_user(ADMIN, "Rasmus Regelmotor", ["BOSClassificationAdmin"])
    login(manager, ADMIN)
    yield manager
    logout()


def row_of(fields, name, column, value):
    """The row number of the data grid row whose ``column`` holds ``value``."""
    for key, found in fields.items():
        match = re.fullmatch(rf"form\.widgets\.{name}\.(\d+)\.widgets\.{column}", key)
        if match and found == value:
            return match.group(1)
    raise AssertionError((name, column, value))


# -- the root cause: rows load with their values -------------------------------------------------


@pytest.mark.parametrize("field_name", LIST_NAMES)
def test_every_row_schema_declares_its_columns_itself(field_name):
    """collective.z3cform.datagridfield converts a row through ``schema.namesAndDescriptions()``:
    a column inherited from another row schema is neither shown nor saved."""
    row = IRegelmotor[field_name].value_type
    assert isinstance(row, DictRow)
    own = [name for name, _field in row.schema.namesAndDescriptions()]
    assert sorted(own) == sorted(name for name, _field in getFieldsInOrder(row.schema))


def test_the_teams_load_with_their_keys_and_titles(admin):
    regelmotor = admin["regelmotor"]
    for name in ("teams", "units"):
        fields = loaded(admin, name)
        rows = getattr(regelmotor, name)
        assert fields[f"form.widgets.{name}.count"] == str(len(rows))
        for number, row in enumerate(rows):
            assert fields[f"form.widgets.{name}.{number}.widgets.key"] == row["key"]
            assert fields[f"form.widgets.{name}.{number}.widgets.title"] == row["title"]


def test_the_full_edit_form_loads_the_teams_too(manager):
    html = view(manager, "edit", context=manager["regelmotor"])()
    fields = submitted_fields(html, prefix="form.widgets.teams.")
    assert fields["form.widgets.teams.0.widgets.key"] == manager["regelmotor"].teams[0]["key"]


def test_the_full_edit_form_saves_a_rule_without_retyping_the_teams(admin):
    """The symptom: saving an approval rule on the full edit form failed on every team row."""
    regelmotor = admin["regelmotor"]
    teams = [(row["key"], row["title"], row.get("unit")) for row in regelmotor.teams]
    request = _request(admin)
    fields = submitted_fields(api.content.get_view("edit", regelmotor, request)(), prefix="form.")
    fields["form.widgets.approval_rules.1.widgets.min_annual_cost"] = "260.000,00"
    request = _request(admin, {**fields, "form.buttons.save": "Gem"}, method="POST")
    page = api.content.get_view("edit", regelmotor, request)
    page()
    assert not page.form_instance.widgets.errors
    assert not any(group.widgets.errors for group in page.form_instance.groups)
    assert regelmotor.approval_rules[1]["min_annual_cost"] == Decimal("260000")
    assert [(row["key"], row["title"], row.get("unit")) for row in regelmotor.teams] == teams


# -- one list saved alone ------------------------------------------------------------------------


def test_the_form_shows_one_list(admin):
    page = list_form(admin, "teams")
    html = page()
    assert isinstance(page.form_instance, RegelmotorListForm)
    assert list(page.form_instance.widgets) == ["teams"]
    assert not page.form_instance.groups
    assert "form.widgets.approval_rules" not in html
    assert "Tilføj række" in html and "Slet række" in html
    assert "Add row" not in text_of(html)
    # Each cell is named by its column and row (the column headings are no label of the cells).
    assert 'title="Nøgle, række 1"' in html
    assert 'title="Afsnit, række 2"' in html


def test_unknown_list_is_not_found(admin):
    from zExceptions import NotFound

    with pytest.raises(NotFound):
        list_form(admin, "no_such_list")()


def test_saving_the_teams_leaves_the_other_lists_untouched(admin):
    regelmotor = admin["regelmotor"]
    before = lists_of(regelmotor)
    limits = (regelmotor.max_plan_years, regelmotor.max_plan_payments)
    fields = loaded(admin, "teams")
    number = row_of(fields, "teams", "key", "familie_oest")
    fields[f"form.widgets.teams.{number}.widgets.title"] = "Familierådgivning Øst og Midt"
    page, _html = save(admin, "teams", fields)
    assert not page.form_instance.widgets.errors
    team = next(row for row in regelmotor.teams if row["key"] == "familie_oest")
    assert team["title"] == "Familierådgivning Øst og Midt"
    assert [row["key"] for row in regelmotor.teams] == [row["key"] for row in before["teams"]]
    assert team["unit"] == "familie"
    after = lists_of(regelmotor)
    for name in LIST_NAMES:
        if name != "teams":
            assert after[name] == before[name], name
    assert (regelmotor.max_plan_years, regelmotor.max_plan_payments) == limits
    assert api.group.get(groupname="bos_team_familie_oest").getProperty("title") == (
        "Team: Familierådgivning Øst og Midt"
    )


def test_saving_an_approval_rule_leaves_the_teams_untouched(admin):
    regelmotor = admin["regelmotor"]
    before = lists_of(regelmotor)
    fields = loaded(admin, "approval_rules")
    assert fields["form.widgets.approval_rules.0.widgets.min_annual_cost"] == "50.000,00"
    fields["form.widgets.approval_rules.0.widgets.min_annual_cost"] = "60.000,00"
    page, _html = save(admin, "approval_rules", fields)
    assert not page.form_instance.widgets.errors
    assert regelmotor.approval_rules[0]["min_annual_cost"] == Decimal("60000")
    # The other rules keep their values (an empty cell is saved as None, as the form saves it).
    assert [plain(row) for row in regelmotor.approval_rules[1:]] == [
        plain(row) for row in before["approval_rules"][1:]
    ]
    after = lists_of(regelmotor)
    for name in LIST_NAMES:
        if name != "approval_rules":
            assert after[name] == before[name], name


def test_an_empty_required_cell_is_a_danish_error_at_the_list_and_nothing_is_saved(admin):
    regelmotor = admin["regelmotor"]
    before = lists_of(regelmotor)
    fields = loaded(admin, "teams")
    fields["form.widgets.teams.0.widgets.title"] = ""
    fields["form.widgets.teams.1.widgets.title"] = "Et nyt navn"
    page, html = save(admin, "teams", fields)
    widget = page.form_instance.widgets["teams"]
    assert widget.error is not None
    assert lists_of(regelmotor) == before
    field_html = html[html.index('id="formfield-form-widgets-teams"') :]
    assert "Feltet skal udfyldes." in text_of(field_html)
    assert "Required input is missing" not in html


def test_a_key_twice_is_a_danish_error_at_the_list_and_nothing_is_saved(admin):
    regelmotor = admin["regelmotor"]
    before = lists_of(regelmotor)
    fields = loaded(admin, "teams")
    fields["form.widgets.teams.1.widgets.key"] = fields["form.widgets.teams.0.widgets.key"]
    page, html = save(admin, "teams", fields)
    assert lists_of(regelmotor) == before
    field_html = html[html.index('id="formfield-form-widgets-teams"') :]
    assert "Teams, række 2" in text_of(field_html)
    assert "findes allerede i listen" in text_of(field_html)


def test_an_invalid_rule_is_refused(admin):
    regelmotor = admin["regelmotor"]
    before = lists_of(regelmotor)
    fields = loaded(admin, "approval_rules")
    fields["form.widgets.approval_rules.0.widgets.level"] = []
    page, html = save(admin, "approval_rules", fields)
    assert page.form_instance.widgets["approval_rules"].error is not None
    assert lists_of(regelmotor) == before


# -- who may ------------------------------------------------------------------------------------


def test_a_case_worker_may_not_open_a_list_form(manager):
    ensure_user(WORKER, "Signe Sagsbehandler", ["BOSCaseWorker"])
    login(manager, WORKER)
    try:
        with pytest.raises(Unauthorized):
            list_form(manager, "teams")
    finally:
        logout()


def test_the_overview_links_each_list_to_its_form(admin):
    html = view(admin, "bos-regelmotor-overview", context=admin["regelmotor"])()
    base = admin["regelmotor"].absolute_url()
    for name in LIST_NAMES:
        assert f"{base}/@@bos-regelmotor-edit?list={name}" in html, name
    # The full edit form stays reachable (it also holds the payment plan limits).
    assert f'href="{base}/edit"' in html


def test_the_overview_offers_no_form_to_a_reader(manager):
    ensure_user(WORKER, "Signe Sagsbehandler", ["BOSCaseWorker"])
    login(manager, WORKER)
    try:
        html = view(manager, "bos-regelmotor-overview", context=manager["regelmotor"])()
    finally:
        logout()
    assert "@@bos-regelmotor-edit" not in html
    assert f'href="{manager["regelmotor"].absolute_url()}/edit"' not in html


# -- the subscribers still run -------------------------------------------------------------------


def test_moving_a_team_to_another_afsnit_recatalogues_its_cases(manager):
    """security.teams: the leader of the team's afsnit reads the team's cases; moving the team
    on the form changes who reads them."""
    regelmotor = manager["regelmotor"]
    ensure_user("rm-forms-unit-leader", "Ulla Afsnitsleder")
    units = [dict(row) for row in regelmotor.units]
    other = next(row for row in units if row["key"] != "familie")
    other["leader"] = "rm-forms-unit-leader"
    regelmotor.units = units
    sync_team_groups(regelmotor)
    case = make_case(manager, team="familie_oest", title="Bo Bentsen")
    ensure_user(ADMIN, "Rasmus Regelmotor", ["BOSClassificationAdmin"])
    login(manager, ADMIN)
    admin = manager
    catalog = api.portal.get_tool("portal_catalog")

    def readers():
        (brain,) = catalog.unrestrictedSearchResults(UID=case.UID())
        return set(catalog.getIndexDataForRID(brain.getRID())["allowedRolesAndUsers"])

    assert "user:rm-forms-unit-leader" not in readers()
    fields = loaded(admin, "teams")
    number = row_of(fields, "teams", "key", "familie_oest")
    fields[f"form.widgets.teams.{number}.widgets.unit"] = [other["key"]]
    page, _html = save(admin, "teams", fields)
    assert not page.form_instance.widgets.errors
    assert next(r for r in regelmotor.teams if r["key"] == "familie_oest")["unit"] == other["key"]
    assert "user:rm-forms-unit-leader" in readers()
    logout()
