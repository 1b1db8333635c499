"""GET @bos-my-approvals pages as plone.restapi batches (b_start, b_size, the batching links)
and keeps answering the total in items_total."""

from tests.builders import create_activity
from tests.builders import create_appropriation
from tests.builders import create_case
from tests.builders import monthly_main
from tests.builders import monthly_supplementary
from tests.builders import team_users


def test_the_approvals_page_with_b_start_and_b_size(http):
    worker, leader = team_users(http, team="familie_vest", suffix="-pages")
    case = create_case(worker, team="familie_vest")
    appropriation = create_appropriation(worker, case["@id"])
    url = appropriation["@id"]
    uids = [
        create_activity(worker, url, **fields)["UID"]
        for fields in (
            monthly_main(worker),
            monthly_supplementary(worker),
            monthly_supplementary(worker, payment_amount="600"),
        )
    ]
    submitted = worker.post(f"{url}/@bos-submit", json={"activities": uids, "comment": "Alle"})
    assert submitted.status_code == 200, submitted.text

    everything = leader.get(f"{leader.base}/@bos-my-approvals?b_size=1000").json()
    total = everything["items_total"]
    assert total == len(everything["items"]) >= 3
    assert "batching" not in everything
    listed = [item["UID"] for item in everything["items"]]
    assert set(uids) <= set(listed)
    assert all(item["note"] == "Alle" for item in everything["items"] if item["UID"] in uids)

    paged = []
    for start in range(0, total, 2):
        page = leader.get(f"{leader.base}/@bos-my-approvals?b_start={start}&b_size=2").json()
        assert page["items_total"] == total
        assert len(page["items"]) == min(2, total - start)
        assert page["batching"]["first"] and page["batching"]["last"]
        paged += [item["UID"] for item in page["items"]]
    assert paged == listed
