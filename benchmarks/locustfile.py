"""The users of ``make load`` (benchmarks/load.py starts the servers and runs this headless).

Three kinds of users, each logged in with Basic auth as a user of the right group, spread over
the instances in ``LOAD_HOSTS`` (comma-separated, e.g. ``http://127.0.0.1:8081,...``) in turn:

* case workers (the most): the case list, a case, a grant, the cost preview of an edit of a draft
  activity, and saving that edit (REST ``PATCH``, which plans the payments again);
* approvers: "Til godkendelse" and the grant (decision) view of what awaits a decision; the team
  leader also decides fresh draft grants (``@bos-grant``: letter, journal, mail), each once;
* management: the overview and its CSV export.

What each user works on comes from ``LOAD_TARGETS``, the JSON that benchmarks/load_setup.py
writes; requests are named by page, so locust's statistics group per page.
"""

import collections
import itertools
import json
import os
import random
from functools import cache

from locust import HttpUser
from locust import between
from locust import task

JSON = {"Accept": "application/json", "Content-Type": "application/json"}
_next_host = itertools.count()


def failure_message(status, text):
    """What locust records for an unexpected answer (benchmarks/load.py finds 5xx by it)."""
    return f"HTTP {status}: {text[:200]}"


@cache
def targets():
    with open(os.environ["LOAD_TARGETS"]) as stream:
        return json.load(stream)


@cache
def grant_pool(username):
    """Draft grants left to decide, shared by the users of one account (one locust process)."""
    return collections.deque(targets()["approvers"][username]["grants"])


class BosUser(HttpUser):
    """A logged-in user of one kind (``role``: a key of the targets), on the next instance."""

    abstract = True
    role = None
    wait_time = between(1, 3)  # a person reads a page before the next click

    def __init__(self, environment):
        hosts = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
        if hosts:
            self.host = hosts[next(_next_host) % len(hosts)]
        super().__init__(environment)

    def on_start(self):
        accounts = targets()[self.role]
        names = sorted(accounts)
        self.username = names[next(self._accounts) % len(names)]
        self.account = accounts[self.username]
        self.site = targets()["site"]
        self.client.auth = (self.username, self.account["password"])

    def call(self, method, path, name, expect=(200,), **kwargs):
        """One request; any other status than ``expect`` is a failure that names the status."""
        with self.client.request(
            method, path, name=name, catch_response=True, **kwargs
        ) as response:
            if response.status_code in expect:
                response.success()
            else:
                response.failure(failure_message(response.status_code, response.text))
        return response


class CaseWorker(BosUser):
    weight = 6
    role = "case_workers"
    _accounts = itertools.count()

    def draft(self):
        return random.choice(self.account["drafts"])

    @task(2)
    def case_list(self):
        self.call("GET", f"{self.site}/sager", "Sager (sagsliste)")

    @task(3)
    def case_view(self):
        self.call("GET", random.choice(self.account["cases"]), "Sag")

    @task(3)
    def grant_view(self):
        self.call("GET", random.choice(self.account["appropriations"]), "Bevilling")

    @task(2)
    def cost_preview(self):
        draft = self.draft()
        body = {**draft["preview"], "payment_amount": f"{random.randint(100, 30000)}.00"}
        self.call(
            "POST",
            f"{draft['appropriation']}/@bos-cost-preview",
            "@bos-cost-preview",
            json=body,
            headers=JSON,
        )

    @task(1)
    def save_activity(self):
        draft = self.draft()
        self.call(
            "PATCH",
            draft["activity"],
            "Gem ydelse (PATCH)",
            expect=(204,),
            json={"payment_amount": f"{random.randint(100, 30000)}.00"},
            headers=JSON,
        )


class Approver(BosUser):
    weight = 2
    role = "approvers"
    _accounts = itertools.count()

    @task(3)
    def awaiting(self):
        self.call("GET", f"{self.site}/@@bos-my-approvals", "Til godkendelse")

    @task(3)
    def decision_view(self):
        self.call("GET", random.choice(self.account["appropriations"]), "Bevilling (afgørelse)")

    @task(2)
    def grant(self):
        pool = grant_pool(self.username)
        if not pool:
            return
        item = pool.popleft()
        self.call(
            "POST",
            f"{item['appropriation']}/@bos-grant",
            "@bos-grant (bevil)",
            json={
                "activities": item["activities"],
                "approval_level": item["level"],
                "approval_note": "Belastningstest",
            },
            headers=JSON,
        )


class Management(BosUser):
    weight = 1
    role = "management"
    _accounts = itertools.count()

    @task(3)
    def overview(self):
        self.call("GET", f"{self.site}/@@bos-overview?year={targets()['year']}", "Overblik")

    @task(1)
    def overview_csv(self):
        self.call(
            "GET",
            f"{self.site}/@@bos-overview-export?table=months&format=csv&year={targets()['year']}",
            "Overblik, CSV",
        )
