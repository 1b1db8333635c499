"""Named vocabularies of the regelmotor (classification) for forms and plone.restapi.

They name providers with CVR numbers, teams, rates and approval levels: none of it is for
anonymous visitors. plone.restapi's ``@vocabularies`` and Classic UI's ``@@getVocabulary`` both
ask ``plone.app.content``'s PERMISSIONS map which permission a named vocabulary needs
(``View`` otherwise, which anonymous users may hold on the site root); every product vocabulary
is entered there with the permission every BOS role holds.
"""

from plone.app.content.browser.vocabulary import PERMISSIONS

#: Held by every BOS role, Manager and Site Administrator (default roles in permissions.zcml).
USE_CLASSIFICATION = "os2bos_plone: Use the classification"

VOCABULARY_NAMES = (
    "Sections",
    "SectionKeys",
    "Services",
    "ServiceIds",
    "MainServices",
    "SupplementaryServices",
    "ServiceProviders",
    "ProviderCVRs",
    "Rates",
    "ApprovalLevels",
    "DecidingRoles",
    "TargetGroups",
    "EffortSteps",
    "Efforts",
    "SchoolDistricts",
    "Units",
    "Teams",
    "Municipalities",
    "ActivityCategories",
    "InternalRecipients",
)

PERMISSIONS.update(
    {f"os2bos_plone.vocabularies.{name}": USE_CLASSIFICATION for name in VOCABULARY_NAMES}
)
