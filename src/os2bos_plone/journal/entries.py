"""The journal's entry types: their Danish titles and the labels of their amounts."""

from zope.i18n import translate

#: Danish names of the journal's actions (the view's "Handling" column).
ACTION_TITLES = {
    "case_created": "Sag oprettet",
    "case_close": "Sag afsluttet",
    "case_reopen": "Sag genåbnet",
    "activity_submit": "Indstillet",
    "activity_grant": "Bevilget",
    "activity_reject": "Afvist",
    "activities_submitted": "Indstilling til godkendelse",
    "activities_granted": "Bevillingsafgørelse",
    "adjustment_merged": "Forventet justering bevilget",
    "activity_plan_changed": "Betalingsplan ændret",
    "payment_paid": "Betaling registreret",
    "payments_repriced": "Genberegnet efter ændret takst",
    "letter_recreated": "Bevillingsskrivelse dannet igen",
    "case_worker_changed": "Ny sagsbehandler",
    "effort_step_changed": "Nyt trin på indsatstrappen",
    "scaling_step_changed": "Nyt trin på skaleringstrappen",
    "assessment_comment_changed": "Ny vurdering",
    "acting_municipality_changed": "Ny handlekommune",
    "cpr_number_changed": "Nyt CPR-nummer",
    "name_changed": "Nyt navn",
    "team_changed": "Nyt team",
    "related_persons_changed": "Familie ændret",
}


#: Danish labels of the amount keys (``<name>_before`` / ``<name>_after`` or just ``<name>``).
AMOUNT_LABELS = {
    "per_payment": "Beløb pr. betaling",
    "this_year": "Omkostninger i år",
    "total": "Omkostninger i alt",
    "annual": "Årlig udgift",
    "granted_this_year": "Bevilget i år (bevillingen)",
    "planned_amount": "Planlagt beløb",
    "paid_amount": "Betalt beløb",
}


#: Danish names of the case history fields.
HISTORY_FIELD_TITLES = {
    "case_worker": "sagsbehandler",
    "effort_step": "trin på indsatstrappen",
    "scaling_step": "trin på skaleringstrappen",
    "assessment_comment": "vurdering",
    "acting_municipality": "handlekommune",
}


def _translate_plone(msgid):
    if not msgid:
        return ""
    return translate(msgid, domain="plone", target_language="da", default=msgid)


def _state_title(workflow, state_id):
    state = workflow.states.get(state_id) if state_id else None
    return _translate_plone(state.title or state_id) if state is not None else (state_id or "")


def _transition_title(workflow, transition_id):
    transition = workflow.transitions.get(transition_id) if transition_id else None
    if transition is None:
        return transition_id or ""
    return _translate_plone(transition.title or transition_id)
