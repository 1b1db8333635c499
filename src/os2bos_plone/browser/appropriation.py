"""The grant (appropriation) view, @@bos-appropriation-view: the appropriation's header, its
activities grouped main first then supplementary with expected adjustments nested under the
activity they replace, the year's granted and expected cost, and the decision form.

The form posts back to the view. "Grant selected", "Submit selected" and "Reject selected" call
``decisions.grant``, ``decisions.submit`` and ``decisions.reject``: the operations behind
@bos-grant, @bos-submit and @workflow, so the same rules apply.
Every broken rule is shown as a status message and nothing changes then.

Above the buttons the decision form shows what the decision is about, whatever the year
selector says: its cost this year, next year and over the period (the stored figures GET
@bos-costs reports, and the same engine function for the grant before and after), the measure's
annual cost the approval rules are given, the matched rule (engine.approval.explain_required_level),
the case worker's submission note and the budget lines of each year the measure runs, forecast
before and after (management.budget.budget_lines, the overview's own matching).
"""

import dataclasses
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

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
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.browser.base import requested_year
from os2bos_plone.browser.widgets import danish_dates
from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import list_rows
from os2bos_plone.decisions.competence import activity_annual_cost
from os2bos_plone.decisions.competence import level_reason
from os2bos_plone.decisions.competence import measure_annual_cost
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.decisions.competence import user_levels
from os2bos_plone.decisions.grant import grant
from os2bos_plone.decisions.parameters import read_parameters
from os2bos_plone.decisions.reject import reject
from os2bos_plone.decisions.submit import submission_of
from os2bos_plone.decisions.submit import submit
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs as engine_costs
from os2bos_plone.engine.approval import UnknownApprovalLevel
from os2bos_plone.engine.approval import deciding_level
from os2bos_plone.engine.approval import describe_rule
from os2bos_plone.engine.formatting import describe_plan
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.formatting import section_label
from os2bos_plone.engine.money import format_machine
from os2bos_plone.engine.money import format_money
from os2bos_plone.management.budget import budget_for
from os2bos_plone.management.budget import budget_lines
from os2bos_plone.management.figures import classification_titles
from os2bos_plone.management.figures import collect
from os2bos_plone.payments import figures
from os2bos_plone.payments.sync import effective_start
from os2bos_plone.payments.totals import cost_input
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


def format_moment(value):
    """ "7. december 2026 kl. 05.40" from a Zope DateTime (local time)."""
    if value is None:
        return ""
    moment = value.asdatetime()
    return f"{format_date(moment.date())} kl. {moment:%H.%M}"


def money_figures(this_year, next_year, total):
    return {
        "this_year": format_money(this_year),
        "next_year": format_money(next_year),
        "total": format_money(total),
        "this_year_value": format_machine(this_year),
        "next_year_value": format_machine(next_year),
        "total_value": format_machine(total),
    }


def expected_by_uid(inputs):
    """{uid: {year: expected}} under engine.costs.yearly_totals, the function whose results
    are stored as the figures @bos-costs reports."""
    return {
        uid: {year: totals.expected for year, totals in years.items()}
        for uid, years in engine_costs.yearly_totals(inputs).items()
    }


class AppropriationView(BrowserView):
    """Default view of bos_appropriation."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.today = clock.today()
        self._user = None
        self._rows = None
        self._scenarios = None
        self.year = requested_year(request, date(self.default_year(), 1, 1))

    def default_year(self):
        """This year, unless the grant costs nothing this year and something later: then its
        first year with a cost (a grant starting next year must not open on 0,00 kr.)."""
        years = set()
        for obj in activities_of(self.context):
            years.update(monthly_totals_of(obj))
        if self.today.year in years or not years:
            return self.today.year
        later = sorted(year for year in years if year > self.today.year)
        return later[0] if later else self.today.year

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

    # -- what the decision costs -------------------------------------------------------------

    def undecided(self):
        return [
            obj for obj in activities_of(self.context) if status_of(obj) in ("draft", "expected")
        ]

    def _scenarios_by_uid(self):
        """Expected cost per activity and year: ``now`` (the stored figures, what @bos-costs
        reports), ``before`` (the undecided activities left out: the grant as it stood) and
        ``after`` (the undecided activities granted). Computed by the same engine function."""
        if self._scenarios is None:
            objs = activities_of(self.context)
            inputs = [cost_input(obj) for obj in objs]
            undecided = {IUUID(obj) for obj in objs if status_of(obj) in ("draft", "expected")}
            before = [data for data in inputs if data.uid not in undecided]
            after = [
                dataclasses.replace(data, status=engine_costs.ActivityStatus.GRANTED)
                if data.uid in undecided
                else data
                for data in inputs
            ]
            self._scenarios = {
                "objs": objs,
                "undecided": undecided,
                "now": expected_by_uid(inputs),
                "before": expected_by_uid(before),
                "after": expected_by_uid(after),
            }
        return self._scenarios

    def cost_years(self):
        return self.today.year, self.today.year + 1

    def decision_costs(self):
        """What the decision costs, whatever the year selector says: this year, next year and
        the total over the period, for the undecided activities (each as GET
        <activity>/@bos-costs reports it: its own applicable payments) and for the whole grant
        (``now`` is GET <appropriation>/@bos-costs; ``before``/``after`` the grant without the
        undecided activities and with them granted), and the measure's annual cost the approval
        rule was given. None when nothing awaits a decision."""
        undecided = self.undecided()
        if not undecided:
            return None
        this, following = self.cost_years()
        rows = []
        sums = [ZERO, ZERO, ZERO]
        for obj in undecided:
            months = monthly_totals_of(obj)
            values = (
                sum((Decimal(a) for a in months.get(this) or ()), ZERO),
                sum((Decimal(a) for a in months.get(following) or ()), ZERO),
                figures.total_cost_of(obj),
            )
            for index, value in enumerate(values):
                sums[index] += value
            rows.append({"uid": IUUID(obj), "title": obj.Title(), **money_figures(*values)})
        now_this = figures.costs_for(self.context, this)
        now_next = figures.costs_for(self.context, following)
        scenarios = self._scenarios_by_uid()

        def grant_sum(name):
            per_uid = scenarios[name]
            return (
                sum((years.get(this, ZERO) for years in per_uid.values()), ZERO),
                sum((years.get(following, ZERO) for years in per_uid.values()), ZERO),
                sum((sum(years.values(), ZERO) for years in per_uid.values()), ZERO),
            )

        try:
            annual = measure_annual_cost(self.context, deciding=undecided, when=self.today)
        except Exception:  # noqa: BLE001 - an incomplete plan has no annual cost; the page shows
            annual = None
        return {
            "this_year": this,
            "next_year": following,
            "rows": rows,
            "selected": money_figures(*sums),
            "annual": format_money(annual) if annual is not None else "–",
            "grant_now": money_figures(
                Decimal(now_this["expected"]),
                Decimal(now_next["expected"]),
                Decimal(now_this["total_cost"]),
            ),
            "grant_before": money_figures(*grant_sum("before")),
            "grant_after": money_figures(*grant_sum("after")),
            "adjustments": self.adjustments(undecided),
        }

    def adjustments(self, undecided):
        """An undecided adjustment before and after: the activity it replaces against itself
        (annual cost, and its cost this year and next)."""
        this, following = self.cost_years()
        by_uid = {IUUID(obj): obj for obj in activities_of(self.context)}
        scenarios = self._scenarios_by_uid()
        result = []
        for obj in undecided:
            original = by_uid.get(obj.modifies) if obj.modifies else None
            if original is None:
                continue
            try:
                before_annual = activity_annual_cost(original, self.today)
                after_annual = activity_annual_cost(obj, self.today)
            except Exception:  # noqa: BLE001 - an incomplete plan has no annual cost
                before_annual = after_annual = None
            chain = [IUUID(original), IUUID(obj)]

            def year_sum(name, year, chain=chain):
                return sum((scenarios[name].get(uid, {}).get(year, ZERO) for uid in chain), ZERO)

            result.append(
                {
                    "title": obj.Title(),
                    "original": original.Title(),
                    "before_annual": format_money(before_annual)
                    if before_annual is not None
                    else "–",
                    "after_annual": format_money(after_annual) if after_annual is not None else "–",
                    "before_this": format_money(year_sum("before", this)),
                    "after_this": format_money(year_sum("after", this)),
                    "before_next": format_money(year_sum("before", following)),
                    "after_next": format_money(year_sum("after", following)),
                }
            )
        return result

    def level_reason(self):
        """Why the level is required: the matched rule (engine.approval.explain_required_level
        via decisions.competence.level_reason), its note and the annual cost it was given."""
        undecided = self.undecided()
        if not undecided:
            return None
        try:
            match, cost, _activity = level_reason(undecided, when=self.today)
        except UnknownApprovalLevel:
            return None
        if match.rule is None:
            text = self.t(
                _(
                    "reason_no_rule",
                    default="No approval rule matches; the lowest level applies: ${level}.",
                    mapping={"level": match.level.title},
                )
            )
            return {
                "level": match.level.title,
                "rule": text,
                "note": "",
                "annual": format_money(cost),
            }
        rule = match.rule
        section_text = service_text = None
        if rule.section:
            section_text = f"§ {rule.section}"
            section = by_key("bos_section", rule.section)
            if section is not None:
                section_text = section_title(IUUID(section))
        if rule.service:
            service = next(
                (
                    by_uid(obj.service)
                    for obj in undecided
                    if by_uid(obj.service) is not None
                    and by_uid(obj.service).service_id == rule.service
                ),
                None,
            )
            if service is not None:
                service_text = f"{service.title} ({rule.service})"
        rows = list_rows("approval_rules")
        note = ""
        if match.index is not None and match.index < len(rows):
            note = rows[match.index].get("note") or ""
        return {
            "level": match.level.title,
            "rule": describe_rule(rule, section_text, service_text),
            "number": (match.index or 0) + 1,
            "note": note,
            "annual": format_money(cost),
        }

    def submissions(self):
        """The case worker's notes of the submission of each expected activity: who (full
        name), when and the note."""
        result = []
        for obj in self.undecided():
            if status_of(obj) != "expected":
                continue
            found = submission_of(obj)
            if found is None:
                continue
            actor, moment, comment = found
            result.append(
                {
                    "title": obj.Title(),
                    "who": user_name(actor),
                    "when": format_moment(moment),
                    "note": comment,
                }
            )
        return result

    # -- the budget the decision falls on ----------------------------------------------------

    def budget_effect(self):
        """Per year the undecided activities run: the budget line(s) of the grant (the
        management overview's own matching, management.budget.budget_lines) with the forecast
        before and after this decision and what is left. None when nothing awaits a decision."""
        scenarios = self._scenarios_by_uid()
        undecided = scenarios["undecided"]
        if not undecided:
            return None
        section_uid = getattr(self.context, "section", None)
        groups = {}
        for obj in scenarios["objs"]:
            groups[IUUID(obj)] = (section_uid, obj.service, obj.activity_type)
        years = sorted(
            {
                year
                for uid in undecided
                for year, value in scenarios["after"].get(uid, {}).items()
                if value
            }
        )
        if not years:
            return []
        section_keys = {
            uid: key for uid, (key, _title) in classification_titles("bos_section").items()
        }
        result = []
        for year in years:
            result.append(self._budget_year(year, groups, scenarios, section_keys))
        return result

    def _budget_year(self, year, groups, scenarios, section_keys):
        budget = budget_for(year)
        entry = {"year": year, "has_budget": budget is not None, "lines": [], "unbudgeted": None}

        def deltas(name):
            per_group = {}
            for uid, group in groups.items():
                value = scenarios[name].get(uid, {}).get(year, ZERO) - scenarios["now"].get(
                    uid, {}
                ).get(year, ZERO)
                # The granted slot marks which lines the grant touches at all.
                mark = per_group.setdefault(group, [Decimal(1), ZERO])
                mark[1] += value
            return SimpleNamespace(groups=per_group)

        before_lines, before_unbudgeted = budget_lines(budget, deltas("before"), section_keys)
        after_lines, after_unbudgeted = budget_lines(budget, deltas("after"), section_keys)
        if budget is None:
            before = sum((scenarios["before"].get(uid, {}).get(year, ZERO) for uid in groups), ZERO)
            after = sum((scenarios["after"].get(uid, {}).get(year, ZERO) for uid in groups), ZERO)
            entry["grant"] = {"before": format_money(before), "after": format_money(after)}
            return entry
        current, _unbudgeted = budget_lines(budget, collect(year, self.today), section_keys)
        for line, before, after in zip(current, before_lines, after_lines, strict=True):
            if not before["granted"]:
                continue
            forecast_before = line["expected"] + before["expected"]
            forecast_after = line["expected"] + after["expected"]
            left = line["budget"] - forecast_after
            entry["lines"].append(
                {
                    "title": self._line_title(line),
                    "budget": format_money(line["budget"]),
                    "before": format_money(forecast_before),
                    "after": format_money(forecast_after),
                    "change": format_money(forecast_after - forecast_before),
                    "left": format_money(left),
                    "over": left < 0,
                    "over_before": forecast_before > line["budget"],
                }
            )
        if after_unbudgeted[0]:
            entry["unbudgeted"] = format_money(after_unbudgeted[1] - before_unbudgeted[1])
        return entry

    def _line_title(self, line):
        if line["account"]:
            return self.t(_("Account ${account}", mapping={"account": line["account"]}))
        section = by_key("bos_section", line["section"])
        if section is not None:
            return section_label(section.key, section.title, getattr(section, "law_name", None))
        return line["section"] or ""

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
            intro = self.t(_("Nothing was changed. Please correct the following:"))
            # One message: the errors follow their introduction in the same box.
            messages.add(" ".join([intro, *errors]), "error")
        else:
            messages.add(done, "info")
        self.request.response.redirect(f"{self.context.absolute_url()}?year={self.year}")
        return ""

    def _grant(self, uids):
        # The meeting date is typed as 01.12.2026 (the form's text field); the parameters that
        # every door of a decision shares are read from ISO.
        form, date_errors = danish_dates(
            self.request.form, (("meeting_date", self.t(_("Meeting date"))),)
        )
        if date_errors:
            return date_errors, None
        parameters, errors = read_parameters(form)
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
