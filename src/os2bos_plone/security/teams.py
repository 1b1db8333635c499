"""Teams and their groups: every team row of the regelmotor has a group of its members."""

from plone import api

TEAM_GROUP_PREFIX = "bos_team_"


def team_group_id(team_key):
    return f"{TEAM_GROUP_PREFIX}{team_key}"


def sync_team_groups(container, event=None):
    """Every team row has a group of its members; titles follow the rows. Groups are not deleted
    when a row goes (membership is history an administrator removes deliberately).

    A team's leader holds roles on the team's cases (os2bos_plone.localroles), so a new leader
    means new security on those cases."""
    leaders = {row["key"]: row.get("leader") for row in getattr(container, "teams", None) or []}
    previous = getattr(container, "_bos_team_leaders", None) or {}
    if leaders != previous:
        container._bos_team_leaders = leaders
        changed = {
            key for key in leaders.keys() | previous.keys() if leaders.get(key) != previous.get(key)
        }
        for brain in api.content.find(
            portal_type="bos_case", bos_team=list(changed), unrestricted=True
        ):
            brain._unrestrictedGetObject().reindexObjectSecurity()
    for row in getattr(container, "teams", None) or []:
        group_id = team_group_id(row["key"])
        title = f"Team: {row['title']}"
        group = api.group.get(groupname=group_id)
        if group is None:
            api.group.create(groupname=group_id, title=title)
        elif group.getProperty("title") != title:
            group.setGroupProperties({"title": title})
