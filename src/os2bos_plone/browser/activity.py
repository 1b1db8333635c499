"""The activity view, @@bos-activity-view: every field in Danish (titles, never UIDs), the plan in
words, a cost summary, the payments per year with their paid status, and on a granted activity
the "Make an expected adjustment" form.

The adjustment form posts back to the view, which calls ``grants.create_adjustment`` (the
function behind @bos-adjustment, so the same rules apply) and redirects to the new expected
activity; field errors come back as status messages and nothing is created then.
"""

from decimal import Decimal
from html import escape

from plone import api
from plone.protect import CheckAuthenticator
from Products.statusmessages.interfaces import IStatusMessage
from zExceptions import Forbidden

from os2bos_plone import _
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import appropriation_of
from os2bos_plone.adapters.lookup import status_of
from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.adapters.plans import plan_of
from os2bos_plone.browser.appropriation import TYPE_TITLES
from os2bos_plone.browser.appropriation import UnknownApprovalLevel
from os2bos_plone.browser.appropriation import period_text
from os2bos_plone.browser.appropriation import plan_in_words
from os2bos_plone.browser.appropriation import section_title
from os2bos_plone.browser.appropriation import status_badge
from os2bos_plone.browser.appropriation import title_of
from os2bos_plone.browser.base import BosView
from os2bos_plone.browser.widgets import read_date_field
from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.content.activity import COST_TYPES
from os2bos_plone.content.activity import PAYMENT_METHODS
from os2bos_plone.content.activity import PAYMENT_TYPES
from os2bos_plone.content.activity import RECIPIENT_TYPES
from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.adjustment import existing_adjustment
from os2bos_plone.decisions.competence import activity_annual_cost
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.engine import clock
from os2bos_plone.engine import costs as engine_costs
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import format_money
from os2bos_plone.engine.money import format_number
from os2bos_plone.engine.money import parse_danish
from os2bos_plone.payments.accounts import activity_account
from os2bos_plone.payments.accounts import payment_account
from os2bos_plone.payments.store import stored_payments
from os2bos_plone.payments.totals import monthly_totals_of
from os2bos_plone.payments.totals import total_cost_of
from os2bos_plone.validation.activity import InvalidFields

ZERO = Decimal("0")
#: The adjustment form's date fields and their labels (text fields, 01.12.2026).
ADJUSTMENT_DATES = (
    ("start_date", _("The adjustment starts on")),
    ("payment_date", _("New payment date")),
    ("end_date", _("New end date (optional)")),
)
ADD_PERMISSION = "os2bos_plone: Add Case"
MODIFY_PERMISSION = "Modify portal content"


def term_title(vocabulary, value):
    if value in (None, ""):
        return ""
    try:
        return vocabulary.getTerm(value).title
    except LookupError:
        return value


class ActivityView(BosView):
    """Default view of bos_activity."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.today = clock.today()

    def __call__(self):
        if self.request.method == "POST" and "form.buttons.adjust" in self.request.form:
            return self.adjust()
        # The activity table needs the full width (as on the case view).
        self.request.set("disable_plone.leftcolumn", 1)
        return self.index()

    def view_url(self):
        return f"{self.context.absolute_url()}/@@bos-activity-view"

    @property
    def appropriation(self):
        return appropriation_of(self.context)

    # -- fields ------------------------------------------------------------------------------

    def status(self):
        return status_badge(status_of(self.context))

    def plan(self):
        return plan_in_words(self.context)

    def _link(self, obj):
        return {"title": obj.Title(), "url": obj.absolute_url()} if obj is not None else None

    def adjusts(self):
        """The activity this one adjusts (an expected adjustment's original), if visible."""
        uid = self.context.modifies
        if not uid or self.appropriation is None:
            return None
        for other in activities_of(self.appropriation):
            if other.UID() == uid:
                return self._link(other)
        return None

    def adjusted_by(self):
        return self._link(existing_adjustment(self.context)) if self.appropriation else None

    def activity_facts(self):
        activity = self.context
        appropriation = self.appropriation
        rows = [
            (_("Service"), activity.Title()),
            (_("Activity type"), TYPE_TITLES.get(activity.activity_type, "")),
            (
                _("Section"),
                section_title(getattr(appropriation, "section", None)) if appropriation else "",
            ),
            (_("Period"), self.period()),
            (_("Service provider"), title_of(activity.service_provider)),
            (_("Note"), activity.note or ""),
        ]
        return [{"label": label, "value": value} for label, value in rows if value]

    def period(self):
        activity = self.context
        if activity.payment_type == "one_time":
            return format_date(activity.payment_date or activity.start_date)
        return period_text(activity.start_date, activity.end_date, self.t(_("open-ended")))

    def plan_facts(self):
        activity = self.context
        cost_type = activity.payment_cost_type
        rows = [
            (_("Payment type"), term_title(PAYMENT_TYPES, activity.payment_type)),
            (_("Payment plan"), self.plan()),
            (_("Payment date (one-time)"), format_date(activity.payment_date)),
            (_("Cost type"), term_title(COST_TYPES, cost_type)),
        ]
        if cost_type == "fixed" and activity.payment_amount is not None:
            rows.append((_("Amount per payment"), format_money(Decimal(activity.payment_amount))))
        if cost_type in ("per_unit", "rate") and activity.payment_units is not None:
            rows.append((_("Units"), format_number(Decimal(activity.payment_units))))
        if cost_type == "rate":
            rows.append((_("Rate"), title_of(activity.payment_rate)))
        if cost_type == "per_unit":
            for row in activity.payment_prices or []:
                period = period_text(row.get("start_date"), row.get("end_date"), "…")
                amount = format_money(Decimal(row["amount"])) if row.get("amount") else ""
                rows.append((_("Price per unit"), f"{amount} ({period})" if period else amount))
        if activity.fictive:
            rows.append((_("Fictive"), self.t(_("Yes – planned and costed, never paid out"))))
        return [{"label": label, "value": value} for label, value in rows if value]

    def recipient_facts(self):
        activity = self.context
        rows = [
            (_("Recipient type"), term_title(RECIPIENT_TYPES, activity.recipient_type)),
            (_("Recipient id"), activity.recipient_id or ""),
            (_("Recipient name"), activity.recipient_name or ""),
            (_("Payment method"), term_title(PAYMENT_METHODS, activity.payment_method)),
            (_("Account number"), self.account.account_number or ""),
            (_("Account string"), self.account.account_string),
            (_("Account alias"), self.account.account_alias),
        ]
        return [{"label": label, "value": value} for label, value in rows if value]

    @property
    def account(self):
        """The activity's live accounting (spec 2.8), read once per rendering."""
        if getattr(self, "_account", None) is None:
            self._account = activity_account(self.context)
        return self._account

    def approval_facts(self):
        activity = self.context
        levels = {level.key: level.title for level in approval_levels()}
        required = getattr(activity, "required_approval_level", None)
        if not required and status_of(activity) == "draft":
            try:
                required = required_level([activity], when=self.today).key
            except UnknownApprovalLevel:
                required = None
        rows = [
            (_("Payment id"), activity.payment_id or ""),
            (_("Required approval level"), levels.get(required, required or "")),
            (_("Approval level"), levels.get(activity.approval_level, activity.approval_level)),
            (_("Approved by"), user_name(activity.approval_user)),
            (_("Appropriation date"), format_date(activity.appropriation_date)),
            (_("Approval note"), activity.approval_note or ""),
            (_("Meeting date"), format_date(getattr(activity, "meeting_date", None))),
            (_("Decision reference"), getattr(activity, "decision_reference", "") or ""),
        ]
        return [{"label": label, "value": value} for label, value in rows if value]

    # -- costs and payments ------------------------------------------------------------------

    def costs(self):
        """Per payment, this and next year (the activity's applicable payments), total and
        annual cost, as formatted money."""
        activity = self.context
        monthly = monthly_totals_of(activity)
        year = self.today.year

        def in_year(value):
            return sum((Decimal(amount) for amount in monthly.get(value) or ()), ZERO)

        per_payment = None
        if activity.payment_type != "individual":
            try:
                preview = engine_costs.cost_preview(plan_of(activity, activity), self.today)
                per_payment = preview["per_payment_amount"]
            except (ValueError, TypeError):
                per_payment = None
        try:
            annual = activity_annual_cost(activity, self.today)
        except (ValueError, TypeError):
            annual = None
        rows = [
            (_("Per payment"), format_money(per_payment) if per_payment is not None else "–"),
            (
                _("cost_this_year", default="This year (${year})", mapping={"year": year}),
                format_money(in_year(year)),
            ),
            (
                _("cost_next_year", default="Next year (${year})", mapping={"year": year + 1}),
                format_money(in_year(year + 1)),
            ),
            (_("Total"), format_money(total_cost_of(activity))),
            (_("Annual cost"), format_money(annual) if annual is not None else "–"),
        ]
        return [{"label": label, "value": value} for label, value in rows]

    #: Plans with more payments than this show only this year's table open (a daily plan of
    #: two years has 730 rows); the other years are one click away.
    open_all_below = 60

    def payment_years(self):
        """[{"year", "sum", "count", "open", "rows"}]: the payments per year, each with its paid
        status; ``open``: the year's table is shown expanded."""
        years = {}
        stored = stored_payments(self.context)
        for payment in stored:
            years.setdefault(payment.date.year, []).append(payment)
        this_year = clock.today().year
        open_all = len(stored) <= self.open_all_below or this_year not in years
        # translated once, not once per row: a daily plan has hundreds of rows
        not_paid = self.t(_("Not paid"))
        paid_on = self.t(_("paid_on", default="Paid ${amount} on ${date}"))
        result = []
        for year in sorted(years):
            rows = []
            total = ZERO
            for payment in years[year]:
                total += payment.effective_amount
                if payment.settled:
                    paid = paid_on.replace(
                        "${amount}", format_money(payment.effective_amount)
                    ).replace("${date}", format_date(payment.paid_date))
                else:
                    paid = not_paid
                rows.append(
                    {
                        "date": format_date(payment.date),
                        "amount": format_money(payment.amount),
                        "account_string": payment_account(payment, self.account)[0],
                        "paid": payment.settled,
                        "status": paid,
                        "note": payment.note or "",
                    }
                )
            result.append(
                {
                    "year": year,
                    "sum": format_money(total),
                    "count": len(rows),
                    "open": open_all or year == this_year,
                    "rows": rows,
                    "rows_html": payment_rows_html(rows),
                }
            )
        return result

    # -- the expected adjustment ---------------------------------------------------------------

    def may_modify_appropriation(self):
        appropriation = self.appropriation
        if appropriation is None:
            return False
        return bool(
            api.user.has_permission(ADD_PERMISSION, obj=appropriation)
            and api.user.has_permission(MODIFY_PERMISSION, obj=appropriation)
        )

    def can_adjust(self):
        return (
            status_of(self.context) == "granted"
            and existing_adjustment(self.context) is None
            and self.may_modify_appropriation()
        )

    def adjustment_form(self):
        activity = self.context
        one_time = activity.payment_type == "one_time"
        cost_type = activity.payment_cost_type
        return {
            "start_field": "payment_date" if one_time else "start_date",
            "one_time": one_time,
            "amount": cost_type == "fixed",
            "units": cost_type in ("per_unit", "rate"),
            "current_end": format_date(activity.end_date),
            "current_amount": format_number(Decimal(activity.payment_amount))
            if activity.payment_amount is not None
            else "",
            "current_units": format_number(Decimal(activity.payment_units))
            if activity.payment_units is not None
            else "",
        }

    def adjust(self):
        CheckAuthenticator(self.request)
        if not self.may_modify_appropriation():
            raise Forbidden(self.t(_("You may not make an expected adjustment of this activity.")))
        form = self.request.form
        messages = IStatusMessage(self.request)
        data, errors = self._adjustment_data(form)
        if not errors:
            try:
                adjustment = create_adjustment(self.context, data, today=self.today)
            except InvalidFields as error:
                errors = [item.message for item in error.errors]
        if errors:
            intro = _("No adjustment was made. Please correct the following:")
            # One message: the errors follow their introduction in the same box.
            messages.add(" ".join([self.t(intro), *errors]), "error")
            self.request.response.redirect(self.context.absolute_url())
            return ""
        messages.add(
            self.t(_("The expected adjustment was created and submitted for approval.")), "info"
        )
        self.request.response.redirect(adjustment.absolute_url())
        return ""

    def _adjustment_data(self, form):
        """The REST-shaped data of create_adjustment from the form; (data, errors)."""
        data = {}
        errors = []
        for name, label in ADJUSTMENT_DATES:
            day, error = read_date_field(form, name, self.t(label))
            if error:
                errors.append(error)
            elif day is not None:
                data[name] = day.isoformat()
        for name in ("payment_amount", "payment_units"):
            value = (form.get(name) or "").strip()
            if not value:
                continue
            try:
                data[name] = f"{parse_danish(value):f}"
            except ValueError:
                errors.append(self.t(_("Please give amounts and units as numbers.")))
        return data, errors


def payment_rows_html(rows):
    """The <tr>s of a year's payments, written here rather than in the template: a daily plan
    has hundreds of rows, and a page-template expression per cell cost more than the rows'
    figures (the same as the manager overview's tables)."""
    out = []
    for row in rows:
        css, symbol = ("bos-paid", "✓") if row["paid"] else ("bos-unpaid", "–")
        out.append(
            f'<tr><th scope="row">{escape(row["date"])}</th>'
            f'<td class="bos-money">{escape(row["amount"])}</td>'
            f'<td class="{css}"><span aria-hidden="true">{symbol}</span> '
            f"{escape(row['status'])}</td>"
            f"<td>{escape(row['note'])}</td>"
            f'<td class="bos-nowrap">{escape(row["account_string"] or "")}</td></tr>'
        )
    return "".join(out)
