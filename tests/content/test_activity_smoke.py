from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import service_uid


def test_case_appropriation_activity_payments(http):
    admin = http()
    case = create_case(admin)
    appropriation = create_appropriation(admin, case["@id"])
    activity = create_activity(
        admin,
        appropriation["@id"],
        service=service_uid(admin, "100206"),
        activity_type="main",
        start_date="2026-01-01",
        end_date="2026-12-31",
        payment_type="running",
        payment_frequency="monthly",
        payment_day_of_month=1,
        payment_cost_type="fixed",
        payment_amount="10000.00",
        recipient_type="company",
        recipient_id="25052943",
        recipient_name="Familiehuset ApS",
        payment_method="invoice",
    )
    assert activity["payment_amount"] == "10000.00"
    assert activity["review_state"] == "draft"
