"""The error helpers themselves (services/errors.py): Danish texts, REST field names, 409."""

import json

from plone.rest.interfaces import IAPIRequest
from ZODB.POSException import ConflictError
from zope.interface import alsoProvides

from os2bos_plone.engine.validation import FieldError
from os2bos_plone.interfaces import IOs2BosPloneLayer
from os2bos_plone.services.errors import MSG_CONFLICT
from os2bos_plone.services.errors import ProductErrorHandling
from os2bos_plone.services.errors import danish
from os2bos_plone.services.errors import error_body
from os2bos_plone.services.errors import error_items


def test_english_messages_are_given_in_danish():
    assert danish("Required input is missing.") == "Feltet skal udfyldes."
    assert danish("sbsys_id is a required field. Setting it to null is not allowed.") == (
        "Feltet skal udfyldes."
    )
    assert danish("Constraint not satisfied") == "Værdien opfylder ikke feltets krav."
    assert danish("Value is too big") == "Værdien er for stor."
    assert danish("Value is too small") == "Værdien er for lille."
    assert danish("invalid literal for int() with base 10: 'x'") == "Angiv et helt tal."
    assert danish("No JSON object could be decoded") == (
        "Forespørgslen skal indeholde et gyldigt JSON-objekt."
    )
    assert danish("Disallowed subobject type: bos_case") == (
        "Indhold af typen »bos_case« kan ikke oprettes her."
    )
    # The product's own messages are Danish already.
    assert danish("Ugyldigt beløb") == "Ugyldigt beløb"


def test_items_use_the_rest_field_names():
    items = error_items(
        [
            FieldError("payments", "Betalingen ligger uden for perioden (1. maj 2028)"),
            ("start_date", "Ugyldig dato"),
            {"field": "payment_day_of_month", "message": "Value is too big", "error": "x"},
            "Angiv venligst bevillingskompetence",
        ]
    )
    assert items == [
        {
            "field": "individual_payments",
            "message": "Betalingen ligger uden for perioden (1. maj 2028)",
        },
        {"field": "start_date", "message": "Ugyldig dato"},
        {"field": "payment_day_of_month", "message": "Værdien er for stor."},
        {"field": "", "message": "Angiv venligst bevillingskompetence"},
    ]


def test_a_message_alone_is_one_item():
    assert error_body("Forbidden", "Nej.") == {
        "type": "Forbidden",
        "message": "Nej.",
        "errors": [{"field": "", "message": "Nej."}],
    }


def test_an_unresolved_write_conflict_is_409(portal):
    request = portal.REQUEST
    alsoProvides(request, IAPIRequest, IOs2BosPloneLayer)
    ProductErrorHandling(ConflictError(), request)()
    assert request.response.getStatus() == 409
    assert json.loads(request.response.getBody()) == {
        "type": "Conflict",
        "message": MSG_CONFLICT,
        "errors": [{"field": "", "message": MSG_CONFLICT}],
    }
