"""The demo users (one published password: demo sites are not production) and the progress
lines the demo steps print."""

from dataclasses import dataclass

from plone import api

from os2bos_plone.security.users import create_user

# One password for every demo user keeps the README short; demo sites are not production.
DEMO_PASSWORD = "bosdemo2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    fullname: str
    group_id: str


DEMO_USERS = (
    DemoUser("sagsbehandler", "Signe Sagsbehandler", "bos_case_workers"),
    DemoUser("teamleder", "Torben Teamleder", "bos_team_leaders"),
    DemoUser("afsnitsleder", "Anne Afsnitsleder", "bos_section_leaders"),
    DemoUser("udvalgssekretaer", "Ulla Udvalgssekretær", "bos_committee_secretaries"),
    DemoUser("okonomi", "Ole Økonomi", "bos_finance"),
    DemoUser("ledelse", "Lise Ledelse", "bos_management"),
    DemoUser("regelmotor", "Rasmus Regelmotor", "bos_classification_admins"),
)


class Progress:
    """Terminal progress for a demo step: '  [3/7] brugere: teamleder'."""

    def __init__(self, label, total, out):
        self.label, self.total, self.out, self.done = label, total, out, 0

    def step(self, what):
        self.done += 1
        self.out(f"  [{self.done}/{self.total}] {self.label}: {what}")


def create_demo_users(portal, progress=print):
    steps = Progress("brugere", len(DEMO_USERS), progress)
    for user in DEMO_USERS:
        if api.user.get(username=user.username) is None:
            create_user(user.username, DEMO_PASSWORD, fullname=user.fullname)
        if user.username not in {
            member.getId() for member in api.user.get_users(groupname=user.group_id)
        }:
            api.group.add_user(groupname=user.group_id, username=user.username)
        steps.step(user.username)
