"""E-mail notifications of the approval process, sent through the site's MailHost.

* Activities submitted (indstillet): the deciders of the required level are told. Deciders are
  the users holding the level's deciding role on the case and reading it (a mail names the
  child): members of groups carrying the role,
  users holding it themselves, principals holding it locally on the case (Sharing tab and the
  local-role adapter) and, for a team leader level, the leader of the case's team (a row on the
  regelmotor with a ``leader`` user id). Only users with an e-mail address are mailed; the user
  who submitted is not.
* Activities granted and an activity rejected: the case's case worker is told.

Mails are in Danish. A subject never holds a CPR number; the body names the case by SBSYS id
and the child's name. The sender is the site's mail settings (Plone's mail control panel); when
the MailHost is not configured, a warning is logged and nothing else happens.
"""

from AccessControl.PermissionRole import rolesForPermissionOn
from Acquisition import aq_base
from plone import api

from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_row
from os2bos_plone.engine.money import display_money
from os2bos_plone.journal.storage import entries
from os2bos_plone.outbox.send import send_mail
from os2bos_plone.payments.figures import activity_figures

SIGNATURE = "Venlig hilsen\nBevilling og Styring"
TEAM_LEADER_ROLE = "BOSTeamLeader"


# -- who --------------------------------------------------------------------------------------


def _member(user_id):
    return api.user.get(userid=user_id) if user_id else None


def _expand(principal_id):
    """The user ids behind a principal (a user, or the members of a group)."""
    if not principal_id:
        return set()
    group = api.group.get(groupname=principal_id)
    if group is not None:
        return {member.getId() for member in api.user.get_users(groupname=principal_id)}
    return {principal_id} if _member(principal_id) is not None else set()


def _local_roles(obj):
    """{principal id: roles} held on ``obj`` locally, acquired and from local-role adapters."""
    acl_users = api.portal.get_tool("acl_users")
    plugin = getattr(acl_users, "borg_localroles", None)
    if plugin is not None and hasattr(plugin, "getAllLocalRolesInContext"):
        return dict(plugin.getAllLocalRolesInContext(obj))
    return {principal: set(roles) for principal, roles in obj.get_local_roles()}


def deciders(case, role):
    """User ids holding ``role`` on ``case`` (see the module docstring)."""
    acl_users = api.portal.get_tool("acl_users")
    user_ids = set()
    role_manager = getattr(acl_users, "portal_role_manager", None)
    if role_manager is not None:
        for principal_id, _title in role_manager.listAssignedPrincipals(role):
            user_ids |= _expand(principal_id)
    for principal_id, roles in _local_roles(case).items():
        if role in roles:
            user_ids |= _expand(principal_id)
    if role == TEAM_LEADER_ROLE and getattr(case, "team", None):
        row = list_row("teams", case.team)
        if row and row.get("leader"):
            user_ids |= _expand(row["leader"])
    # A mail names the child: only those who may read the case hear of it (a section leader
    # of another afsnit holds the role, not the case).
    return sorted(user_id for user_id in user_ids if _reads(user_id, case))


def _reads(user_id, case):
    # From the roles, not checkPermission: borg.localrole caches a user's allowed roles per
    # request, and the submission that brings a case before the committee changes them.
    acl_users = api.portal.get_tool("acl_users")
    user = acl_users.getUserById(user_id)
    if user is None:
        return False
    roles = set(user.__of__(acl_users).getRolesInContext(case))
    return bool(roles & set(rolesForPermissionOn("View", case)))


def address_of(user_id):
    """(e-mail, full name) of a user, or (None, None) when the user has no e-mail address."""
    member = _member(user_id)
    if member is None:
        return None, None
    email = member.getProperty("email", "") or ""
    return (email or None), (member.getProperty("fullname", "") or user_id)


# -- content --------------------------------------------------------------------------------------


def _case_line(case):
    return f"Sag: {getattr(case, 'sbsys_id', '') or ''} ({case.Title()})"


def _kind(activity):
    return "hovedydelse" if activity.activity_type == "main" else "følgeydelse"


def _current_user_id():
    user = api.user.get_current()
    return (user.getId() or user.getUserName()) if user is not None else ""


# -- subscribers --------------------------------------------------------------------------------


def activities_submitted(event):
    """Tell the deciders of the required level that activities await their decision."""
    appropriation = event.appropriation
    case = case_of(appropriation)
    level = event.required_level
    role = getattr(level, "role", None)
    if case is None or not role:
        return
    actor = _current_user_id()
    level_title = getattr(level, "title", "") or getattr(level, "key", "")
    lines = []
    for activity in event.activities or []:
        figures = activity_figures(activity)
        lines.append(
            f"- {activity.Title()} ({_kind(activity)}): {display_money(figures['annual'])} årligt"
        )
    subject = f"Til godkendelse ({level_title}): bevilling {appropriation.Title()}"
    for user_id in deciders(case, role):
        if user_id == actor:
            continue
        email, name = address_of(user_id)
        if not email:
            continue
        body = "\n".join(
            [
                f"Kære {name}",
                "",
                f"{user_name(actor)} har indstillet følgende ydelser til godkendelse på "
                f"niveauet »{level_title}«:",
                "",
                *lines,
                "",
                _case_line(case),
                f"Bevilling: {appropriation.Title()}",
                *([f"Bemærkning: {event.comment}"] if event.comment else []),
                "",
                f"Se bevillingen: {appropriation.absolute_url()}",
                "",
                SIGNATURE,
            ]
        )
        send_mail(email, subject, body, kind="decision")


def _case_worker_address(case):
    user_id = getattr(case, "case_worker", None)
    email, name = address_of(user_id)
    return email, name


def activities_granted(event):
    """Tell the case worker that activities were granted (with the letter, when there is one)."""
    appropriation = event.appropriation
    case = case_of(appropriation)
    if case is None:
        return
    email, name = _case_worker_address(case)
    if not email:
        return
    decision = event.decision or {}
    level = decision.get("approval_level_title") or decision.get("approval_level") or ""
    lines = []
    for activity in event.activities or []:
        figures = activity_figures(activity)
        parts = []
        if figures["per_payment"] is not None:
            parts.append(f"{display_money(figures['per_payment'])} pr. betaling")
        parts.append(f"{display_money(figures['this_year'])} i år")
        lines.append(f"- {activity.Title()} ({_kind(activity)}): {', '.join(parts)}")
    letter_url = ""
    for entry in entries(case, limit=5):
        if entry.action == "activities_granted" and entry.letter:
            letter = by_uid(entry.letter)
            letter_url = letter.absolute_url() if letter is not None else ""
            break
    approver = decision.get("approval_user") or _current_user_id()
    body = "\n".join(
        [
            f"Kære {name}",
            "",
            f"{user_name(approver)} har bevilget følgende ydelser"
            + (f" (bevillingsniveau »{level}«):" if level else ":"),
            "",
            *lines,
            "",
            _case_line(case),
            f"Bevilling: {appropriation.Title()}",
            *(
                [f"Bemærkning: {decision['approval_note']}"]
                if decision.get("approval_note")
                else []
            ),
            "",
            *([f"Bevillingsskrivelse: {letter_url}"] if letter_url else []),
            f"Se bevillingen: {appropriation.absolute_url()}",
            "",
            SIGNATURE,
        ]
    )
    send_mail(email, f"Bevilget: bevilling {appropriation.Title()}", body, kind="decision")


def activity_rejected(activity, event):
    """Tell the case worker that a submitted activity was sent back (transition "reject")."""
    if event.action != "reject":
        return
    case = case_of(activity)
    if case is None:
        return
    email, name = _case_worker_address(case)
    if not email:
        return
    history = (getattr(aq_base(activity), "workflow_history", None) or {}).get(
        event.workflow.id, ()
    )
    comment = (history[-1].get("comments") if history else "") or ""
    appropriation = appropriation_of(activity)
    where = appropriation.Title() if appropriation is not None else ""
    body = "\n".join(
        [
            f"Kære {name}",
            "",
            f"{user_name(_current_user_id())} har afvist indstillingen af ydelsen "
            f"»{activity.Title()}«. Ydelsen er sendt tilbage som kladde.",
            "",
            *([f"Begrundelse: {comment}", ""] if comment else []),
            _case_line(case),
            f"Bevilling: {where}",
            "",
            f"Se ydelsen: {activity.absolute_url()}",
            "",
            SIGNATURE,
        ]
    )
    send_mail(email, f"Afvist: {activity.Title()} (bevilling {where})", body, kind="decision")
