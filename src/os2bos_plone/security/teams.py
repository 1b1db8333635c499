"""Teams and their groups: every team row of the regelmotor has a group of its members."""

from plone import api

TEAM_GROUP_PREFIX = "bos_team_"


def team_group_id(team_key):
    return f"{TEAM_GROUP_PREFIX}{team_key}"


def team_unit_leaders(container):
    """Team key -> the user id of the leader of the team's afsnit (or None)."""
    unit_leaders = {
        row["key"]: row.get("leader") for row in getattr(container, "units", None) or []
    }
    return {
        row["key"]: unit_leaders.get(row.get("unit")) or None
        for row in getattr(container, "teams", None) or []
    }


def _changed(current, previous):
    return {
        key for key in current.keys() | previous.keys() if current.get(key) != previous.get(key)
    }


def sync_team_groups(container, event=None):
    """Every team row has a group of its members; titles follow the rows. Groups are not deleted
    when a row goes (membership is history an administrator removes deliberately).

    A team's leader and the leader of its afsnit hold roles on the team's cases
    (os2bos_plone.localroles), so a new leader, a new afsnit leader or a team moved to another
    afsnit means new security on those cases."""
    leaders = {row["key"]: row.get("leader") for row in getattr(container, "teams", None) or []}
    unit_leaders = team_unit_leaders(container)
    changed = _changed(leaders, getattr(container, "_bos_team_leaders", None) or {})
    changed |= _changed(unit_leaders, getattr(container, "_bos_team_unit_leaders", None) or {})
    if getattr(container, "_bos_team_leaders", None) != leaders:
        container._bos_team_leaders = leaders
    if getattr(container, "_bos_team_unit_leaders", None) != unit_leaders:
        container._bos_team_unit_leaders = unit_leaders
    if changed:
        for brain in api.content.find(
            portal_type="bos_case", bos_team=sorted(changed), unrestricted=True
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
