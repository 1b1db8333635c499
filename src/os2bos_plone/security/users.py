"""Creating users.

plone.api 3.0.3's api.user.create imports a helper that only exists in plone.app.users 4, and
plone.app.users 4 breaks Plone 6.2.2's start-up (see README, "Pins"). portal_registration is the
API both versions share.
"""

from plone import api


def create_user(username, password, fullname="", email=""):
    registration = api.portal.get_tool("portal_registration")
    registration.addMember(
        username,
        password,
        properties={
            "username": username,
            "fullname": fullname,
            "email": email or f"{username}@example.invalid",
        },
    )
    return api.user.get(username=username)
