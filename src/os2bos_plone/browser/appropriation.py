"""The grant (appropriation) view, @@bos-appropriation-view: the appropriation's header, its
activities grouped main first then supplementary with expected adjustments nested under the
activity they replace, the year's granted and expected cost, and the decision form.

The form posts back to the view. "Grant selected", "Submit selected" and "Reject selected" call
``decisions.grant``, ``decisions.submit`` and ``decisions.reject``: the operations behind
@bos-grant, @bos-submit and @workflow, so the same rules apply.
Every broken rule is shown as a status message and nothing changes then.
"""

from datetime import date
from decimal import Decimal

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from plone.protect import CheckAuthenticator
from plone.uuid.interfaces import IUUID
from Products.Five.browser import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from zope.i18n import translate

from os2bos_plone import _
from os2bos_plone.adapters.lookup import ACTIVITY_TYPE
from os2bos_plone.adapters.lookup import CASE_TYPE
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_status
from os2bos_plone.adapters.lookup import granted_period
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.browser.base import requested_year
from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.decisions.competence import user_levels
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import read_parameters
from os2bos_plone.decisions.reject import reject
from os2bos_plone.decisions.submit import submit
from os2bos_plone.engine import clock
from os2bos_plone.engine.approval import UnknownApprovalLevel
from os2bos_plone.engine.approval import deciding_level
from os2bos_plone.engine.formatting import describe_plan
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import section_label
from os2bos_plone.engine.money import format_money
from os2bos_plone.payments.sync import effective_start
from os2bos_plone.payments.totals import monthly_totals_of
from os2bos_plone.payments.totals import yearly_totals_of

ZERO = Decimal("0")
ADD_PERMISSION = "os2bos_plone: Add Case"
MODIFY_PERMISSION = "Modify portal content"

STATUS_TITLES = {
    "draft": _("activity_status_draft", default="Draft"),
    "expected": _("activity_status_expected", default="Expected"),
    "granted": _("activity_status_granted", default="Granted"),
}
#: A shape per status, so the status never rests on colour alone.
STATUS_SYMBOLS = {"draft": "✎", "expected": "◔", "granted": "✓"}
TYPE_TITLES = {
    "main": _("Main activity"),
    "supplementary": _("Supplementary"),
}


def status_badge(status):
    return {
        "status": status,
        "symbol": STATUS_SYMBOLS.get(status, ""),
        "title": STATUS_TITLES.get(status, status),
        "css": f"bos-badge bos-badge-{status}",
    }


def plan_in_words(activity):
    try:
        return describe_plan(
            activity.payment_type or "",
            activity.payment_frequency,
            activity.payment_day_of_month,
        )
    except ValueError:
        return ""


def period_text(start, end, open_text):
    """ "1. januar 2026 – 31. december 2026"; an open end gives ``open_text``."""
    if start is None and end is None:
        return ""
    return f"{format_date(start)} – {format_date(end) if end else open_text}"


def title_of(uid):
    obj = by_uid(uid) if uid else None
    return obj.title if obj is not None else ""


def section_title(uid):
    section = by_uid(uid) if uid else None
    if section is None:
        return ""
    return section_label(section.key, section.title, getattr(section, "law_name", None))


def own_cost_in_year(activity, year):
    """What the activity itself costs in ``year`` (its applicable payments, any status)."""
    months = monthly_totals_of(activity).get(year) or ()
    return sum((Decimal(amount) for amount in months), ZERO)


def safe_required(objs, when):
    """The level a decision on ``objs`` needs; None when the rules name an unknown level (the
    page still shows; granting reports the configuration error)."""
    try:
        return required_level(objs, when=when)
    except UnknownApprovalLevel:
        return None


def active_levels():
    """The approval levels that may be recorded on a new decision (active ones)."""
    levels = []
    for level in approval_levels():
        obj = by_key("bos_approval_level", level.key)
        if obj is None or getattr(obj, "active", True):
            levels.append(level)
    return levels


class AppropriationView(BrowserView):
    """Default view of bos_appropriation."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.today = clock.today()
        self.year = requested_year(request, self.today)
        self._user = None
        self._rows = None

    def __call__(self):
        actions = ("form.buttons.grant", "form.buttons.submit", "form.buttons.reject")
        if self.request.method == "POST" and any(name in self.request.form for name in actions):
            return self.decide()
        # The activity table needs the full width (as on the case view).
        self.request.set("disable_plone.leftcolumn", 1)
        return self.index()

    # -- helpers -----------------------------------------------------------------------------

    def t(self, msgid):
        return translate(msgid, context=self.request)

    @property
    def user(self):
        if self._user is None:
            self._user = api.user.get_current()
        return self._user

    def portal_url(self):
        return api.portal.get().absolute_url()

    def view_url(self):
        return f"{self.context.absolute_url()}/@@bos-appropriation-view"

    # -- header ------------------------------------------------------------------------------

    def case(self):
        parent = aq_parent(aq_inner(self.context))
        if getattr(parent, "portal_type", None) != CASE_TYPE:
            return None
        return {
            "title": parent.Title(),
            "sbsys_id": getattr(parent, "sbsys_id", "") or "",
            "url": parent.absolute_url(),
        }

    def header(self):
        appropriation = self.context
        start, end = granted_period(appropriation)
        return {
            "sbsys_id": getattr(appropriation, "sbsys_id", "") or "",
            "section": section_title(getattr(appropriation, "section", None)),
            "status": status_badge(appropriation_status(appropriation)),
            "period": period_text(start, end, self.t(_("open-ended"))) if start else "",
            "note": getattr(appropriation, "note", "") or "",
        }

    # -- the activities ----------------------------------------------------------------------

    def held_levels(self):
        return user_levels(self.user, self.context)

    def _required_for(self, activity, status):
        stored = getattr(activity, "required_approval_level", None)
        if status == "expected" and stored:
            level = {lv.key: lv for lv in approval_levels()}.get(stored)
            if level is not None:
                return level
        return safe_required([activity], self.today)

    def period_of(self, activity):
        if activity.payment_type == "one_time":
            return format_date(activity.payment_date or activity.start_date)
        return period_text(activity.start_date, activity.end_date, self.t(_("open-ended")))

    def _row(self, activity, depth, held):
        status = status_of(activity)
        granted, expected = yearly_totals_of(activity).get(self.year, (ZERO, ZERO))
        undecided = status in ("draft", "expected")
        required = self._required_for(activity, status) if undecided else None
        may_grant = required is not None and deciding_level(held, required) is not None
        may_submit = status == "draft" and api.user.has_permission(
            MODIFY_PERMISSION, user=self.user, obj=activity
        )
        approval = None
        if status == "granted" and getattr(activity, "approval_level", None):
            level = by_key("bos_approval_level", activity.approval_level)
            approval = level.title if level is not None else activity.approval_level
        return {
            "uid": IUUID(activity),
            "id": activity.getId(),
            "title": activity.Title(),
            "url": activity.absolute_url(),
            "type": TYPE_TITLES.get(activity.activity_type, activity.activity_type or ""),
            "provider": title_of(activity.service_provider),
            "recipient": activity.recipient_name or "",
            "period": self.period_of(activity),
            "plan": plan_in_words(activity),
            "badge": status_badge(status),
            "status": status,
            "granted": format_money(granted),
            "expected": format_money(expected),
            "granted_value": granted,
            "expected_value": expected,
            "own_cost": format_money(own_cost_in_year(activity, self.year)) if undecided else "",
            "required": required.title if required is not None else "",
            "required_key": required.key if required is not None else "",
            "required_rank": required.rank if required is not None else 0,
            "may_grant": may_grant,
            "may_submit": may_submit,
            "selectable": undecided and (may_grant or may_submit),
            "approval": approval,
            "depth": depth,
            "adjustment": bool(activity.modifies),
            "note": activity.note or "",
        }

    def groups(self):
        """[{"key", "title", "rows"}]: main activities first, then supplementary ones; each
        followed by the adjustments that replace it (nested, ``depth`` 1, 2, ...)."""
        if self._rows is not None:
            return self._rows
        held = self.held_levels()
        objs = activities_of(self.context)
        uids = {IUUID(obj) for obj in objs}
        children = {}
        roots = []
        for obj in objs:
            if obj.modifies and obj.modifies in uids:
                children.setdefault(obj.modifies, []).append(obj)
            else:
                roots.append(obj)

        def order(obj):
            start = effective_start(obj) or date.min
            return (start, obj.Title())

        def walk(obj, depth, seen):
            uid = IUUID(obj)
            if uid in seen:  # a broken chain must not loop
                return []
            seen.add(uid)
            rows = [self._row(obj, depth, held)]
            for child in sorted(children.get(uid, []), key=order):
                rows.extend(walk(child, depth + 1, seen))
            return rows

        groups = []
        seen = set()
        for key, title in (
            ("main", _("Main activity")),
            ("supplementary", _("Supplementary activities")),
        ):
            rows = []
            for obj in sorted((o for o in roots if o.activity_type == key), key=order):
                rows.extend(walk(obj, 0, seen))
            groups.append({"key": key, "title": title, "rows": rows})
        others = [o for o in objs if IUUID(o) not in seen]
        if others:
            rows = []
            for obj in sorted(others, key=order):
                rows.extend(walk(obj, 0, seen))
            groups.append({"key": "other", "title": _("Other activities"), "rows": rows})
        self._rows = groups
        return groups

    def rows(self):
        return [row for group in self.groups() for row in group["rows"]]

    def has_activities(self):
        return bool(self.rows())

    def totals(self):
        granted = sum((row["granted_value"] for row in self.rows()), ZERO)
        expected = sum((row["expected_value"] for row in self.rows()), ZERO)
        return {"granted": format_money(granted), "expected": format_money(expected)}

    def years(self):
        years = {self.today.year + offset for offset in (-2, -1, 0, 1, 2)}
        years.add(self.year)
        for obj in activities_of(self.context):
            years.update(yearly_totals_of(obj))
        return [{"value": year, "selected": year == self.year} for year in sorted(years)]

    # -- the decision form -------------------------------------------------------------------

    def selectable_rows(self):
        return [row for row in self.rows() if row["selectable"]]

    def can_grant(self):
        return any(row["may_grant"] for row in self.rows())

    def can_submit(self):
        return any(row["may_submit"] for row in self.rows())

    def can_reject(self):
        return any(row["status"] == "expected" and row["may_grant"] for row in self.rows())

    def decision(self):
        """What the form shows about competence: the level the undecided activities need
        together, the user's levels and whether they suffice."""
        undecided = [
            obj for obj in activities_of(self.context) if status_of(obj) in ("draft", "expected")
        ]
        held = self.held_levels()
        required = None
        if undecided:
            required = safe_required(undecided, self.today)
        chosen = deciding_level(held, required) if required is not None else None
        if chosen is None and held:
            chosen = held[0]
        levels = [level for level in active_levels() if level.key in {h.key for h in held}]
        return {
            "required": required.title if required is not None else "",
            "required_rank": required.rank if required is not None else 0,
            "holds": required is not None and deciding_level(held, required) is not None,
            "held": ", ".join(level.title for level in held),
            "options": [
                {
                    "key": level.key,
                    "title": level.title,
                    "rank": level.rank,
                    "committee": level.committee,
                    "selected": chosen is not None and level.key == chosen.key,
                }
                for level in levels
            ],
            "committee": any(level.committee for level in levels),
            "max_rank": max((level.rank for level in held), default=0),
        }

    def can_add(self):
        return bool(
            api.user.has_permission(ADD_PERMISSION, user=self.user, obj=self.context)
            and api.user.has_permission(MODIFY_PERMISSION, user=self.user, obj=self.context)
        )

    def add_url(self):
        return f"{self.context.absolute_url()}/++add++{ACTIVITY_TYPE}"

    def decide(self):
        """POST: grant, submit or reject the selected activities, then back to the view."""
        CheckAuthenticator(self.request)
        form = self.request.form
        messages = IStatusMessage(self.request)
        uids = form.get("activities") or []
        if isinstance(uids, str):
            uids = [uids]
        uids = [uid for uid in uids if isinstance(uid, str) and uid]
        note = (form.get("note") or "").strip()
        if "form.buttons.grant" in form:
            errors, done = self._grant(uids)
        elif "form.buttons.reject" in form:
            errors, done = self._reject(uids, note)
        else:
            errors, done = self._submit(uids, note)
        if errors:
            messages.add(self.t(_("Nothing was changed. Please correct the following:")), "error")
            for error in errors:
                messages.add(error, "error")
        else:
            messages.add(done, "info")
        self.request.response.redirect(f"{self.context.absolute_url()}?year={self.year}")
        return ""

    def _grant(self, uids):
        parameters, errors = read_parameters(self.request.form)
        if errors:
            return errors, None
        result = grant(self.context, uids, parameters, user=self.user)
        if not result.ok:
            return result.errors, None
        message = _(
            "grant_done",
            default="${count} activities granted.",
            mapping={"count": len(result.granted)},
        )
        return [], self.t(message)

    def _reject(self, uids, note):
        errors = reject(self.context, uids, note, user=self.user)
        if errors:
            return errors, None
        message = _(
            "reject_done",
            default="${count} activities sent back to draft.",
            mapping={"count": len(uids)},
        )
        return [], self.t(message)

    def _submit(self, uids, note):
        errors, required = submit(self.context, uids, comment=note, user=self.user)
        if errors:
            return errors, None
        message = _(
            "submit_done",
            default="${count} activities submitted for approval at the level ${level}.",
            mapping={"count": len(uids), "level": required.title},
        )
        return [], self.t(message)
