"""The product's roles and the groups that carry them.

One place defines them; the install handler, the uninstall handler, sharing.xml and the tests
all follow this list.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductRole:
    role_id: str
    title: str
    group_id: str
    group_title: str
    description: str


PRODUCT_ROLES = (
    ProductRole(
        "BOSCaseWorker",
        "BOS Sagsbehandler",
        "bos_case_workers",
        "BOS Sagsbehandlere",
        "Opretter sager, bevillinger og ydelser og bevilger inden for egen kompetence.",
    ),
    ProductRole(
        "BOSTeamLeader",
        "BOS Teamleder",
        "bos_team_leaders",
        "BOS Teamledere",
        "Godkender indstillinger på teamleder-niveau for sit team.",
    ),
    ProductRole(
        "BOSSectionLeader",
        "BOS Afsnitsleder",
        "bos_section_leaders",
        "BOS Afsnitsledere",
        "Godkender indstillinger på afsnitsleder-niveau.",
    ),
    ProductRole(
        "BOSCommitteeSecretary",
        "BOS Udvalgssekretær",
        "bos_committee_secretaries",
        "BOS Udvalgssekretærer",
        "Registrerer udvalgets og nævnets afgørelser.",
    ),
    ProductRole(
        "BOSFinance",
        "BOS Økonomi",
        "bos_finance",
        "BOS Økonomi",
        "Læser sager og betalinger og registrerer betalinger.",
    ),
    ProductRole(
        "BOSManagement",
        "BOS Ledelse",
        "bos_management",
        "BOS Ledelse",
        (
            "Læser alt (ledelsesinformation) og opretter og retter budgetterne; ændrer ikke "
            "sager, bevillinger, ydelser eller betalinger."
        ),
    ),
    ProductRole(
        "BOSClassificationAdmin",
        "BOS Regelmotor",
        "bos_classification_admins",
        "BOS Regelmotor",
        "Vedligeholder regelmotoren: paragraffer, ydelser, takster, leverandører og regler.",
    ),
)

ROLE_IDS = tuple(role.role_id for role in PRODUCT_ROLES)

# The data-protection role reads the read audit log (@@bos-audit) and nothing else: no case, so
# it is no product role (those read /sager) and no group or sharing-tab role; it is given in the
# users control panel. Declared in rolemap.xml; its permission in permissions.zcml.
DATA_PROTECTION_ROLE = ProductRole(
    "BOSDataProtection",
    "BOS Databeskyttelse",
    "bos_data_protection",
    "BOS Databeskyttelse",
    "Læser og eksporterer logningen af, hvem der har set hvilke sager (GDPR); intet andet.",
)

# Read-only on one case, given by the local-role adapter (security.localroles) to the leader of
# the afsnit of the case's team and, while the case is before the committee, to the committee
# secretaries' group. Like DATA_PROTECTION_ROLE it is declared in rolemap.xml, never granted
# globally: a global section leader or committee secretary reads only these cases.
CASE_READER_ROLE = "BOSCaseReader"

# Roles given per case by the local-role adapter (os2bos_plone.localroles), never by hand.
LOCAL_ROLES = ("BOSCaseTeam", CASE_READER_ROLE)
