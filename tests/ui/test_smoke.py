"""The browser infrastructure itself: login through the form, a screen, axe."""


def test_case_worker_logs_in_and_sees_the_cases_folder(page_as, site_url, screen):
    page = page_as("smoke_worker", roles=["BOSCaseWorker"])
    page.goto(f"{site_url}/sager")
    assert page.locator("h1").first.is_visible()
    screen(page, "smoke-sager")
