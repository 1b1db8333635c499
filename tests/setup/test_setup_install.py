"""The default profile installs the add-on and everything it promises."""

import pytest
from plone import api

from os2bos_plone.security.roles import PRODUCT_ROLES
from os2bos_plone.security.roles import ROLE_IDS

PACKAGE_NAME = "os2bos_plone"


class TestSetupInstall:
    def test_addon_installed(self, installer):
        assert installer.is_product_installed(PACKAGE_NAME) is True

    def test_latest_version(self, profile_last_version):
        assert profile_last_version(f"{PACKAGE_NAME}:default") == "1011"

    def test_browserlayer(self, browser_layers):
        from os2bos_plone.interfaces import IOs2BosPloneLayer

        assert IOs2BosPloneLayer in browser_layers

    def test_dependencies_installed(self, installer):
        assert installer.is_product_installed("plone.restapi")
        assert installer.is_product_installed("collective.z3cform.datagridfield")

    @pytest.mark.parametrize(
        "container_id,portal_type,state",
        [("sager", "bos_cases_folder", "internal"), ("regelmotor", "bos_regelmotor", "active")],
    )
    def test_containers(self, portal, container_id, portal_type, state):
        assert portal[container_id].portal_type == portal_type
        assert api.content.get_state(portal[container_id]) == state

    def test_containers_invisible_anonymously(self, portal):
        for container_id in ("sager", "regelmotor"):
            with api.env.adopt_roles(["Anonymous"]):
                assert not api.user.has_permission("View", obj=portal[container_id])

    @pytest.mark.parametrize("role_id", ROLE_IDS)
    def test_roles_on_site_and_in_pas(self, portal, role_id):
        assert role_id in portal.validRoles()
        assert role_id in portal.acl_users.portal_role_manager.listRoleIds()

    @pytest.mark.parametrize("role", PRODUCT_ROLES, ids=lambda role: role.role_id)
    def test_roles_readable_by_their_role(self, portal, role):
        with api.env.adopt_roles([role.role_id]):
            assert api.user.has_permission("View", obj=portal["sager"])
            assert not api.user.has_permission("Modify portal content", obj=portal["sager"])

    @pytest.mark.parametrize("role", PRODUCT_ROLES, ids=lambda role: role.role_id)
    def test_groups_carry_roles(self, portal, role):
        group = api.group.get(groupname=role.group_id)
        assert group is not None
        assert group.getProperty("title") == role.group_title
        assert role.role_id in group.getRoles()

    def test_roles_on_sharing_tab(self, portal):
        from plone.app.workflow.interfaces import ISharingPageRole
        from zope.component import getUtilitiesFor

        sharing_roles = {name for name, _ in getUtilitiesFor(ISharingPageRole)}
        assert set(ROLE_IDS) <= sharing_roles

    def test_roles_assignable_in_users_control_panel(self, portal):
        from os2bos_plone.security.users import create_user

        create_user("anna", "secret123")
        api.user.grant_roles(username="anna", roles=["BOSTeamLeader"])
        assert "BOSTeamLeader" in api.user.get_roles(username="anna")

    def test_uninstall_profile_hidden(self, portal):
        from plone.base.interfaces.installable import INonInstallable
        from zope.component import getAllUtilitiesRegisteredFor

        hidden = set()
        for utility in getAllUtilitiesRegisteredFor(INonInstallable):
            hidden.update(utility.getNonInstallableProfiles())
        assert "os2bos_plone:uninstall" in hidden

    def test_profile_install_is_idempotent(self, portal):
        def counts():
            groups = sorted(
                g.getId() for g in api.group.get_groups() if g.getId().startswith("bos_")
            )
            return groups, len(portal["regelmotor"].objectIds()), sorted(portal.objectIds())

        before = counts()
        portal.portal_setup.runAllImportStepsFromProfile("profile-os2bos_plone:default")
        assert counts() == before
        assert {role.group_id for role in PRODUCT_ROLES} <= set(before[0])
