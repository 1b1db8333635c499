"""The journal entries of decisions: a grant (with its letter and merged adjustments) and a
submission for approval."""

from decimal import Decimal

from plone.uuid.interfaces import IUUID

from os2bos_plone import logger
from os2bos_plone.adapters.lookup import activities_of
from os2bos_plone.adapters.lookup import case_of
from os2bos_plone.decisions import letters
from os2bos_plone.engine.formatting import format_date
from os2bos_plone.engine.money import display_money
from os2bos_plone.journal.storage import add_entry
from os2bos_plone.journal.storage import plain
from os2bos_plone.payments.figures import activity_figures


def _activity_line(activity, figures):
    kind = "hovedydelse" if activity.activity_type == "main" else "følgeydelse"
    parts = []
    if figures.get("per_payment") is not None:
        parts.append(f"{display_money(figures['per_payment'])} pr. betaling")
    parts.append(f"{display_money(figures['this_year'])} i år")
    parts.append(f"{display_money(figures['total'])} i alt")
    return f"»{activity.Title()}« ({kind}: {', '.join(parts)})"


def _decision_value(decision, name):
    return (decision or {}).get(name) or ""


def _merge_entries(case, appropriation, decision):

    by_uid = {IUUID(a): a for a in activities_of(appropriation)}
    for merge in (decision or {}).get("merges") or []:
        merge = merge if isinstance(merge, dict) else vars(merge)
        adjustment = merge.get("adjustment")
        original = merge.get("original")
        adjustment = (
            by_uid.get(adjustment, adjustment) if isinstance(adjustment, str) else adjustment
        )
        original_obj = by_uid.get(original) if isinstance(original, str) else original
        if adjustment is None or isinstance(adjustment, str):
            continue
        figures = activity_figures(adjustment)
        original_title = original_obj.Title() if original_obj is not None else adjustment.Title()
        start = format_date(adjustment.start_date or adjustment.payment_date)
        amounts = {
            "per_payment_after": figures["per_payment"],
            "this_year_after": figures["this_year"],
        }
        if original_obj is not None:  # a merge ends the original; its price is unchanged
            amounts["per_payment_before"] = activity_figures(original_obj)["per_payment"]
        add_entry(
            case,
            "adjustment_merged",
            f"Den forventede justering af »{original_title}« fra {start} er bevilget og afløser "
            f"den hidtidige bevilling ({merge.get('kind') or 'justering'}).",
            obj=adjustment,
            amounts={key: value for key, value in amounts.items() if value is not None},
            data=plain(merge),
        )


def activities_granted(event):
    """A grant decision: the merged adjustments, the letter, and one entry for the decision."""
    appropriation = event.appropriation
    case = case_of(appropriation)
    if case is None:
        return
    decision = dict(event.decision or {})
    _merge_entries(case, appropriation, decision)
    granted = list(event.activities or [])
    letter_uid = letter_sha256 = None
    comment = _decision_value(decision, "approval_note")
    try:
        letter, data = letters.create_letter(appropriation, granted, decision)
        letter_uid = IUUID(letter)
        letter_sha256 = letter.sha256
    except Exception:  # noqa: BLE001 - the grant stands; the decision data can re-create it
        logger.exception("The appropriation letter of %s failed", appropriation.absolute_url())
        data = {"decision": plain(decision)}
        comment = f"{comment} (Bevillingsskrivelsen kunne ikke dannes.)".strip()
    figures = {IUUID(a): activity_figures(a) for a in granted}
    lines = [_activity_line(a, figures[IUUID(a)]) for a in granted]
    level = _decision_value(decision, "approval_level_title") or _decision_value(
        decision, "approval_level"
    )
    level_text = f" på niveauet »{level}«" if level else ""
    title = (
        f"Bevilling {appropriation.Title()} er bevilget{level_text}: {', '.join(lines)}."
        if lines
        else f"Bevilling {appropriation.Title()} er bevilget{level_text}."
    )
    total_this_year = sum((Decimal(f["this_year"] or "0") for f in figures.values()), Decimal("0"))
    total = sum((Decimal(f["total"] or "0") for f in figures.values()), Decimal("0"))
    data = dict(data)
    data["granted"] = [{"uid": uid, **values} for uid, values in figures.items()]
    if letter_sha256:  # the PDF's fingerprint: the stored letter can be checked against it
        data[letters.LETTER_SHA256] = letter_sha256
    add_entry(
        case,
        "activities_granted",
        title,
        obj=appropriation,
        comment=comment,
        amounts={
            "this_year": total_this_year,
            "total": total,
            "granted_this_year": data.get("total_this_year"),
        },
        letter=letter_uid,
        data=data,
    )


def activities_submitted(event):
    """Activities were submitted for approval at a required level."""
    appropriation = event.appropriation
    case = case_of(appropriation)
    if case is None:
        return
    level = event.required_level
    level_title = getattr(level, "title", None) or str(level or "")
    lines = []
    annual = Decimal("0")
    for activity in event.activities or []:
        figures = activity_figures(activity)
        annual += Decimal(figures["annual"] or "0")
        lines.append(f"»{activity.Title()}« ({display_money(figures['annual'])} årligt)")
    add_entry(
        case,
        "activities_submitted",
        f"Indstillet til godkendelse på niveauet »{level_title}« (bevilling "
        f"{appropriation.Title()}): {', '.join(lines)}.",
        obj=appropriation,
        comment=event.comment or "",
        amounts={"annual": annual},
        data={
            "required_level": getattr(level, "key", None),
            "required_level_title": level_title,
            "activities": [IUUID(a) for a in event.activities or []],
        },
    )
