"""Event subscribers: side effects of edits live here, not in views or content classes."""

from plone import api

TEAM_GROUP_PREFIX = "bos_team_"


def team_group_id(team_key):
    return f"{TEAM_GROUP_PREFIX}{team_key}"


def sync_team_groups(container, event=None):
    """Every team row has a group of its members; titles follow the rows. Groups are not deleted
    when a row goes (membership is history an administrator removes deliberately)."""
    for row in getattr(container, "teams", None) or []:
        group_id = team_group_id(row["key"])
        title = f"Team: {row['title']}"
        group = api.group.get(groupname=group_id)
        if group is None:
            api.group.create(groupname=group_id, title=title)
        elif group.getProperty("title") != title:
            group.setGroupProperties({"title": title})


# -- activities: payments and totals follow every change -------------------------------------


def activity_changed(activity, event=None):
    from os2bos_plone.activities import appropriation_of
    from os2bos_plone.activities import refresh_payments
    from os2bos_plone.activities import refresh_totals

    refresh_payments(activity)
    appropriation = appropriation_of(activity)
    if appropriation is not None:
        refresh_totals(appropriation)
    activity.reindexObject()


def activity_removed(activity, event):
    from os2bos_plone.activities import refresh_totals

    appropriation = event.oldParent
    if getattr(appropriation, "portal_type", None) == "bos_appropriation":
        refresh_totals(appropriation)
