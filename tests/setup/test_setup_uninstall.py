"""Uninstalling removes what install added, except content."""

import pytest
from plone import api

from os2bos_plone.security.roles import PRODUCT_ROLES
from os2bos_plone.security.roles import ROLE_IDS

PACKAGE_NAME = "os2bos_plone"


@pytest.fixture
def uninstalled_addon(portal, installer):
    with api.env.adopt_roles(["Manager"]):
        installer.uninstall_product(PACKAGE_NAME)
    return portal


class TestSetupUninstall:
    def test_addon_uninstalled(self, uninstalled_addon, installer):
        assert installer.is_product_installed(PACKAGE_NAME) is False

    def test_browserlayer_removed(self, uninstalled_addon):
        from plone.browserlayer import utils

        from os2bos_plone.interfaces import IOs2BosPloneLayer

        assert IOs2BosPloneLayer not in utils.registered_layers()

    def test_types_and_workflow_removed(self, uninstalled_addon):
        types = api.portal.get_tool("portal_types")
        assert "bos_cases_folder" not in types.objectIds()
        assert "bos_regelmotor" not in types.objectIds()
        assert "bos_container_workflow" not in api.portal.get_tool("portal_workflow").objectIds()

    def test_roles_and_groups_removed(self, uninstalled_addon):
        for role_id in ROLE_IDS:
            assert role_id not in uninstalled_addon.validRoles()
            assert role_id not in uninstalled_addon.acl_users.portal_role_manager.listRoleIds()
        for role in PRODUCT_ROLES:
            assert api.group.get(groupname=role.group_id) is None

    def test_sharing_roles_removed(self, uninstalled_addon):
        from plone.app.workflow.interfaces import ISharingPageRole
        from zope.component import queryUtility

        for role_id in ROLE_IDS:
            assert queryUtility(ISharingPageRole, name=role_id) is None

    def test_content_kept(self, uninstalled_addon):
        assert "sager" in uninstalled_addon.objectIds()
        assert "regelmotor" in uninstalled_addon.objectIds()


def test_the_start_page_and_the_tabs_go(uninstalled_addon):
    assert uninstalled_addon.getLayout() != "bos-start"
    tabs = api.portal.get_tool("portal_actions").portal_tabs.objectIds()
    assert not [tab for tab in tabs if tab.startswith("bos_")]
