"""Over HTTP: management and leaders see the overview; case workers do not."""

import pytest

PAGES = ("@@bos-overview", "sager/@@bos-overview", "@@bos-overview-export?table=team&format=csv")


def refused(response):
    """401/403, or Plone's redirect of a logged-in user to the "insufficient privileges" page."""
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "require_login" in location


def get(session, path):
    return session.get(
        f"{session.base}/{path}", headers={"Accept": "text/html"}, allow_redirects=False
    )


@pytest.mark.parametrize("path", PAGES)
def test_case_worker_is_refused(http, path):
    worker = http("ov_worker", roles=["BOSCaseWorker"])
    response = get(worker, path)
    assert refused(response), (response.status_code, response.headers.get("Location"))


@pytest.mark.parametrize("role", ["BOSManagement", "BOSSectionLeader", "BOSTeamLeader"])
def test_management_and_leaders_see_it(http, role):
    leader = http(f"ov_{role.lower()}", roles=[role])
    response = get(leader, "@@bos-overview")
    assert response.status_code == 200
    assert "Ledelsesinformation" in response.text
    assert "overview.css" in response.text
    csv = get(leader, "sager/@@bos-overview-export?table=section&format=csv")
    assert csv.status_code == 200
    assert csv.content.startswith(b"\xef\xbb\xbf")


def test_tab_for_management_only(http):
    leader = http("ov_tab_leader", roles=["BOSManagement"])
    worker = http("ov_tab_worker", roles=["BOSCaseWorker"])
    assert "@@bos-overview" in get(leader, "").text
    assert "@@bos-overview" not in get(worker, "").text


def test_static_css_is_served(http):
    response = http().get(
        f"{http().base}/++plone++os2bos_plone/overview.css", headers={"Accept": "text/css"}
    )
    assert response.status_code == 200
    assert ".bos-status-over" in response.text


def test_budget_folder_hidden_from_case_workers(http):
    worker = http("ov_budget_worker", roles=["BOSCaseWorker"])
    manager = http("ov_budget_manager", roles=["BOSManagement"])
    assert refused(get(worker, "budget"))
    assert refused(get(worker, "budget/++add++bos_budget"))
    listing = get(manager, "budget")
    assert listing.status_code == 200
    assert "Opret et budget" in listing.text
    add_form = get(manager, "budget/++add++bos_budget")
    assert add_form.status_code == 200
    assert "Budgetlinjer" in add_form.text
