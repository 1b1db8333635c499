"""Who sees a case follows from the case: its case worker, its team, the team's leader, and the
roles that read everything. Regression: a case without a stored case worker must not make every
reader its case worker (a lazily evaluated "current user" default once did)."""

from tests.builders import create_case


def test_unrelated_case_worker_cannot_read_a_case(http):
    owner = http("sb-owner", roles=["BOSCaseWorker"])
    stranger = http("sb-stranger", roles=["BOSCaseWorker"])
    case = create_case(owner)
    assert case["case_worker"] == "sb-owner"
    assert owner.get(case["@id"]).status_code == 200
    response = stranger.get(case["@id"])
    assert response.status_code == 403
    assert "cpr_number" not in response.text


def test_case_without_case_worker_is_not_readable_by_case_workers(http):
    admin = http()
    reader = http("sb-reader", roles=["BOSCaseWorker"])
    case = create_case(admin)
    assert admin.patch(case["@id"], json={"case_worker": None}).status_code == 204
    assert admin.get(case["@id"]).json()["case_worker"] is None
    assert reader.get(case["@id"]).status_code == 403
    # ...and reading it did not make the reader its case worker
    assert admin.get(case["@id"]).json()["case_worker"] is None


def test_team_members_and_leader_read_the_team_case(http):
    import transaction
    from plone import api

    admin = http()
    member = http("sb-member", roles=["BOSCaseWorker"])
    leader = http("sb-leader")
    outsider = http("sb-outsider", roles=["BOSCaseWorker"])
    finance = http("sb-finance", roles=["BOSFinance"])
    management = http("sb-management", roles=["BOSManagement"])
    classification = http("sb-regelmotor", roles=["BOSClassificationAdmin"])
    regelmotor = api.portal.get()["regelmotor"]
    regelmotor.teams = [
        {**row, "leader": "sb-leader"} if row["key"] == "familie_oest" else row
        for row in regelmotor.teams
    ]
    from os2bos_plone.security.teams import sync_team_groups

    sync_team_groups(regelmotor)
    api.group.add_user(groupname="bos_team_familie_oest", username="sb-member")
    transaction.commit()
    case = create_case(admin, team="familie_oest")
    for session in (member, leader, finance, management):
        assert session.get(case["@id"]).status_code == 200, session.auth
    for session in (outsider, classification):
        assert session.get(case["@id"]).status_code == 403, session.auth
    listing = member.get(f"{member.base}/@search?portal_type=bos_case&b_size=500").json()
    assert case["@id"] in [item["@id"] for item in listing["items"]]
    listing = outsider.get(f"{outsider.base}/@search?portal_type=bos_case&b_size=500").json()
    assert case["@id"] not in [item["@id"] for item in listing["items"]]


def test_what_is_added_to_a_case_leaves_its_security_alone_a_new_case_worker_changes_it(
    http, monkeypatch
):
    """Adding a grant (or a letter) to a case changes neither case worker nor team: the
    security of everything the case holds is not catalogued again. A new case worker is."""
    from os2bos_plone.content.case import Case
    from tests.builders import create_appropriation

    admin = http()
    successor = http("sb-successor", roles=["BOSCaseWorker"])
    case = create_case(admin)
    grant_url = create_appropriation(admin, case["@id"])["@id"]
    recatalogued = []
    original = Case.reindexObjectSecurity

    def counted(self, *args, **kwargs):
        recatalogued.append(self.getId())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Case, "reindexObjectSecurity", counted)
    create_appropriation(admin, case["@id"])
    assert recatalogued == []
    found = successor.get(f"{successor.base}/@search?portal_type=bos_appropriation").json()
    assert grant_url not in [item["@id"] for item in found["items"]]

    assert admin.patch(case["@id"], json={"case_worker": "sb-successor"}).status_code == 204
    assert recatalogued
    found = successor.get(f"{successor.base}/@search?portal_type=bos_appropriation").json()
    assert grant_url in [item["@id"] for item in found["items"]]
