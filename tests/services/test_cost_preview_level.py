"""@bos-cost-preview names the approval level the measure will need, the rule behind it, and the
provider's VAT factor when it changes the typed amount (6.500 kr. at 97 % is 6.305 kr.)."""

from tests.builders import KOMPASROSEN
from tests.builders import monthly_main
from tests.builders import new_appropriation
from tests.builders import provider_uid
from tests.builders import service_uid


def preview(session, appropriation, **changes):
    response = session.post(
        f"{appropriation['@id']}/@bos-cost-preview", json=monthly_main(session, **changes)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_level_and_the_vat_factor_as_the_user_types(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    kompasrosen = provider_uid(admin, KOMPASROSEN)  # VAT factor 97.00

    answer = preview(admin, appropriation, payment_amount="6500.00", service_provider=kompasrosen)
    assert answer["per_payment_amount"] == "6305.00"
    assert answer["vat"] == {"factor": "97.00", "text": "6.500,00 kr. × 97 % = 6.305,00 kr."}
    # 12 x 6.305 = 75.660 kr. a year: from 50.000 kr. the team leader decides.
    assert answer["measure_annual_cost"] == answer["annual_cost"] == "75660.00"
    assert answer["approval_level"] == {
        "token": "teamleder",
        "title": "Teamleder",
        "committee": False,
    }
    assert answer["approval_rule"] == (
        "alle paragraffer · alle ydelser · årlig udgift fra 50.000,00 kr."
    )

    cheap = preview(admin, appropriation, payment_amount="1000.00", service_provider=kompasrosen)
    assert cheap["approval_level"]["token"] == "egenkompetence"
    assert cheap["approval_rule"] == ""

    # A section rule: BL-47 (placement without consent) is the committee's.
    _case, placement = new_appropriation(admin, section="BL-47")
    answer = preview(
        admin, placement, payment_amount="1000.00", service=service_uid(admin, "100401")
    )
    assert answer["approval_level"]["token"] == "boerne_og_ungeudvalget"
    assert answer["approval_level"]["committee"] is True
    assert answer["approval_rule"].startswith("§ BL-47 · alle ydelser")


def test_no_vat_factor_no_vat_text(http):
    admin = http()
    _case, appropriation = new_appropriation(admin)
    answer = preview(
        admin,
        appropriation,
        service_provider=None,
        recipient_type="internal",
        recipient_id="familiehuset",
        recipient_name="Familiehuset",
        payment_method="internal",
    )
    assert answer["vat"] is None
    assert answer["per_payment_amount"] == "10000.00"
