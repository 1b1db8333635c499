"""GET @bos-my-approvals: what awaits the current user's decision, batched as plone.restapi
batches (``b_start``, ``b_size``, the ``batching`` links); ``items_total`` counts them all."""

from plone import api
from plone.restapi.batching import HypermediaBatch
from plone.restapi.services import Service
from zExceptions import Unauthorized

from os2bos_plone.decisions.awaiting import awaiting_found
from os2bos_plone.decisions.awaiting import items_of
from os2bos_plone.engine.money import format_machine


def approval_items(user, found=None):
    """The items of GET @bos-my-approvals: each activity once, with what the screen shows
    (``found``: one page of decisions.awaiting.awaiting_found; all of them if not given)."""
    items = []
    for item in items_of(awaiting_found(user) if found is None else found):
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
                "submitted_by_name": item.submitted_by_name,
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
        user = api.user.get_current()
        batch = HypermediaBatch(self.request, awaiting_found(user))
        result = {
            "@id": batch.canonical_url,
            "items": approval_items(user, list(batch)),
            "items_total": batch.items_total,
        }
        if batch.links:
            result["batching"] = batch.links
        return result
