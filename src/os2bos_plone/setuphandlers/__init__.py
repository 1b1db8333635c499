"""Install and uninstall handlers of the GenericSetup profiles."""

from plone import api
from plone.base.interfaces.installable import INonInstallable
from plone.dexterity.utils import createContentInContainer
from zope.interface import implementer

from os2bos_plone import logger
from os2bos_plone.classification.rows import load_seed
from os2bos_plone.security.roles import LOCAL_ROLES
from os2bos_plone.security.roles import PRODUCT_ROLES
from os2bos_plone.security.roles import ROLE_IDS

# The containers the add-on adds to a site: (id, portal_type, title, description).
CONTAINERS = (
    ("sager", "bos_cases_folder", "Sager", "Børne- og ungesager med bevillinger og ydelser."),
    (
        "regelmotor",
        "bos_regelmotor",
        "Regelmotor",
        "Klassifikation: paragraffer, ydelser, takster, leverandører og godkendelsesregler.",
    ),
    ("budget", "bos_budget_folder", "Budget", "Budgetter pr. år til ledelsesinformationen."),
)


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["os2bos_plone:uninstall"]

    def getNonInstallableProducts(self):
        return []


def post_install(context):
    """Runs after the default profile's import steps."""
    portal = api.portal.get()
    register_roles_with_pas(portal)
    ensure_groups()
    ensure_containers(portal)
    load_classification_seed()
    from os2bos_plone.browser.chrome import apply_chrome  # the start page and site title

    apply_chrome(portal)
    from os2bos_plone.management.ledger import rebuild  # the overview's running sums

    rebuild(portal)


def uninstall(context):
    """Removes what install added, except content."""
    portal = api.portal.get()
    if portal.getLayout() == "bos-start":  # the start page goes with the add-on's layer
        portal.setLayout(portal.getTypeInfo().default_view)
    for role in PRODUCT_ROLES:
        if api.group.get(groupname=role.group_id) is not None:
            api.group.delete(groupname=role.group_id)
    # PlonePAS copies the site's roles into its role manager on every listing, so the site
    # must lose them first.
    all_roles = ROLE_IDS + LOCAL_ROLES
    portal._delRoles([role_id for role_id in all_roles if role_id in portal.validRoles()])
    role_manager = portal.acl_users.portal_role_manager
    for role_id in all_roles:
        if role_id in role_manager.listRoleIds():
            role_manager.removeRole(role_id)
    logger.info("os2bos_plone uninstalled; content in /sager and /regelmotor is kept")


def load_classification_seed():
    """The shipped classification: loaded on install, updated (by key) on a re-install."""
    load_seed(progress=logger.info)


def register_roles_with_pas(portal):
    """rolemap.xml defines the roles on the site; PAS needs them too, or they cannot be granted."""
    role_manager = portal.acl_users.portal_role_manager
    existing = role_manager.listRoleIds()
    for role in PRODUCT_ROLES:
        if role.role_id not in existing:
            role_manager.addRole(role.role_id, title=role.title, description=role.description)


def ensure_groups():
    for role in PRODUCT_ROLES:
        group = api.group.get(groupname=role.group_id)
        if group is None:
            api.group.create(
                groupname=role.group_id,
                title=role.group_title,
                description=role.description,
                roles=[role.role_id],
            )
        elif role.role_id not in group.getRoles():
            api.group.grant_roles(groupname=role.group_id, roles=[role.role_id])


def ensure_containers(portal):
    for container_id, portal_type, title, description in CONTAINERS:
        if container_id in portal.objectIds():
            continue
        # Not globally addable (one of each per site), so the add constraint is bypassed here.
        container = createContentInContainer(
            portal, portal_type, id=container_id, title=title, checkConstraints=False
        )
        container.description = description
        container.reindexObject()
        logger.info("Created /%s", container_id)
