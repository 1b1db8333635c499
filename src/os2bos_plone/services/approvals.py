"""GET @bos-my-approvals: what awaits the current user's decision."""

from plone import api
from plone.restapi.services import Service
from zExceptions import Unauthorized

from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.decisions.awaiting import awaiting_items
from os2bos_plone.engine.money import format_machine


def approval_items(user):
    """The items of GET @bos-my-approvals: each activity once, with what the screen shows."""
    items = []
    for item in awaiting_items(user):
        brain, case, grant = item.brain, item.case, item.grant
        items.append(
            {
                "@id": brain.getURL(),
                "UID": brain.UID,
                "title": brain.Title,
                "appropriation": brain.getURL().rsplit("/", 1)[0],
                "appropriation_sbsys_id": (grant.bos_sbsys_id or "") if grant is not None else "",
                "case_uid": brain.bos_case_uid,
                "case_sbsys_id": (case.bos_sbsys_id or "") if case is not None else "",
                "child": case.Title if case is not None else "",
                "team": brain.bos_team,
                "case_worker": brain.bos_case_worker,
                "service": item.service,
                "annual_cost": format_machine(item.annual) if item.annual is not None else None,
                "total_cost": format_machine(item.total),
                "required_level": {"token": item.required.key, "title": item.required.title},
                "committee": item.required.committee,
                "start_date": str(item.start) if item.start else None,
                "submitted_by": item.submitted_by,
                "submitted_by_name": user_name(item.submitted_by),
                "submitted": item.submitted.ISO8601() if item.submitted else None,
                "note": item.note,
                "modified": brain.modified.ISO8601(),
            }
        )
    return items


class MyApprovalsGet(Service):
    def reply(self):
        # Registered on the site root, which anonymous users may view: what awaits whom is not
        # theirs to see (401).
        if api.user.is_anonymous():
            raise Unauthorized("@bos-my-approvals")
        items = approval_items(api.user.get_current())
        return {"items": items, "items_total": len(items)}
