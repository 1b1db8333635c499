"""'make jobs' on the demo site: every job runs, and a second run does nothing."""

from os2bos_plone.demo import load_demo_data
from os2bos_plone.engine import clock
from os2bos_plone.outbox import log
from tests.jobs.test_nightly import run


def test_every_job_on_the_demo_site_and_a_second_run_does_nothing(manager, mailhost):
    load_demo_data(manager, progress=lambda message: None)
    today = clock.today()
    first, lines = run(None, today)
    assert [name for name, (_counts, error) in first.items() if error] == [], lines
    assert first["prisme"][0]["refused"] == 0, lines
    sent = len(log.entries())
    second, lines = run(None, today)
    assert {name: error for name, (_counts, error) in second.items() if error} == {}
    assert second["mark_paid"][0]["payments"] == 0
    assert second["prisme"][0] == {"payments": 0, "refused": 0}
    assert second["expired"][0]["mails"] == 0
    assert second["renew"][0]["extended"] == 0
    assert second["reprice"][0]["rates"] == 0
    assert len(log.entries()) == sent
