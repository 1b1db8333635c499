"""GET @bos-my-approvals: what awaits the current user's decision."""

from plone import api
from plone.restapi.services import Service
from zExceptions import Unauthorized

from os2bos_plone.decisions.competence import awaiting


def approval_items(user):
    items = []
    for brain, required in awaiting(user):
        items.append(
            {
                "@id": brain.getURL(),
                "UID": brain.UID,
                "title": brain.Title,
                "appropriation": brain.getURL().rsplit("/", 1)[0],
                "case_uid": brain.bos_case_uid,
                "team": brain.bos_team,
                "case_worker": brain.bos_case_worker,
                "required_level": {"token": required.key, "title": required.title},
                "committee": required.committee,
                "start_date": str(brain.bos_start_date) if brain.bos_start_date else None,
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
