"""Demo cases: a few dozen fictional children's cases with grants, activities and payments.

Every name, CPR number and SBSYS number here is invented. Dates are relative to the day the demo
is loaded (granted plans started months ago and run into next year), so the overviews always
have figures for this year and next.

Content is made through the normal add path (``createContentInContainer``), so the subscribers
plan the payments and store the yearly totals exactly as for a case worker's own input. Decisions
take the same paths as the REST services: ``decisions.grant`` (the ``grant`` transition with the
approval data, journal and letter) by a user with the Manager role acting as the approver the
level names, ``decisions.submit`` for expected activities and ``create_adjustment`` for
expected adjustments. The step is idempotent: a case whose SBSYS id exists is skipped.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.users import UnrestrictedUser
from plone import api
from plone.dexterity.utils import createContentInContainer
from plone.uuid.interfaces import IUUID

from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import list_row
from os2bos_plone.classification.reader import regelmotor
from os2bos_plone.decisions.adjustment import create_adjustment
from os2bos_plone.decisions.competence import required_level
from os2bos_plone.decisions.grant import grant as grant_activities
from os2bos_plone.decisions.parameters import DecisionParameters
from os2bos_plone.decisions.submit import submit as submit_activities
from os2bos_plone.demo.users import DEMO_PASSWORD
from os2bos_plone.demo.users import DemoUser
from os2bos_plone.demo.users import Progress
from os2bos_plone.engine import clock
from os2bos_plone.engine.payments import add_months
from os2bos_plone.security.teams import sync_team_groups
from os2bos_plone.security.teams import team_group_id
from os2bos_plone.security.users import create_user

HOME = "151"  # the paying and acting municipality of the demo (Ballerup's municipality code)

DEMO_CASE_WORKERS = (
    DemoUser("mette", "Mette Mortensen", "bos_case_workers"),
    DemoUser("jonas", "Jonas Kristiansen", "bos_case_workers"),
    DemoUser("fatima", "Fatima Hassan", "bos_case_workers"),
    DemoUser("kasper", "Kasper Holst", "bos_case_workers"),
)

TEAM_MEMBERS = {
    "familie_oest": ("sagsbehandler", "teamleder"),
    "familie_vest": ("mette", "teamleder"),
    "forebyggelse": ("sagsbehandler", "mette"),
    "anbringelse": ("kasper", "afsnitsleder"),
    "handicap": ("jonas", "afsnitsleder"),
    "unge": ("fatima", "afsnitsleder"),
}

# The demo's section leader leads the afsnit of every demo team and so reads their cases.
UNIT_LEADER = "afsnitsleder"

# Who decides at each role's level (and so is recorded as the approver of the demo grants).
APPROVER_BY_ROLE = {
    "BOSTeamLeader": "teamleder",
    "BOSSectionLeader": "afsnitsleder",
    "BOSCommitteeSecretary": "udvalgssekretaer",
}

# Service providers of the seed (CVR numbers; all fictional).
LINDELY = "94789311"
NORDSTJERNEN = "98297421"
KOMPASROSEN = "97643024"
BROBYGGERNE = "97601895"
TREKLOEVER = "97350930"
STIFINDERNE = "99142928"
ANKERPLADSEN = "95632718"
VINTERLYS = "92208583"
BOELGESLAG = "96555628"
SOLSIKKE = "93766989"
LAERKEREDEN = "99492309"
RAVNSHOLT = "93592115"
FYRREBAKKEN = "90375636"
FJORDBO = "93015533"
SOMMERFUGL = "96824793"
TRINBRAETTET = "94396492"
VEJVISEREN = "96620640"
BYBILEN = "99301325"
KYSTKOERSEL = "97114447"
PENDULEN = "91230046"
TOLKEVAERKSTEDET = "96746679"
SPROGBROEN = "96868278"
TJOERNELY = "97191816"
HYLDEBO = "96691157"
FRITIDSBROEN = "92719030"
SPRINGVANDET = "96876963"


@dataclass(frozen=True)
class Act:
    """One activity. Months are counted from the first of the current month.

    ``freq`` None is a one-time payment in month ``start`` on ``day``. ``months`` None is
    open-ended; for supplementary activities None start/months mean "as the main activity".
    Cost: ``amount`` (fixed), ``rate`` + ``units`` (central rate) or ``prices`` + ``units``
    (per unit: the price until 1 January this year and from then). Recipient: ``provider`` (CVR,
    invoice), ``person`` ("cash" or "sd", to ``payee`` or the case's parent) or ``internal``.
    ``adjust`` = (months from now, factor, note) adds an expected adjustment once granted.
    """

    service: str
    kind: str = "main"
    freq: str | None = "monthly"
    start: int | None = None
    months: int | None = None
    day: int = 1
    amount: str | None = None
    rate: str | None = None
    units: str | None = None
    prices: tuple = ()
    individual: tuple = ()
    provider: str | None = None
    person: str | None = None
    payee: str | None = None
    internal: str | None = None
    state: str = "granted"
    adjust: tuple | None = None
    note: str = ""


def main(service, **kw):
    return Act(service, kind="main", **kw)


def sup(service, **kw):
    return Act(service, kind="supplementary", **kw)


@dataclass(frozen=True)
class Grant:
    section: str
    activities: tuple
    note: str = ""


@dataclass(frozen=True)
class DemoCase:
    number: int
    name: str
    sex: str
    age: int
    birthday: tuple
    team: str
    worker: str
    step: int
    grants: tuple
    target_group: str = "familie"
    scaling: int | None = None
    district: str | None = None
    parent: str = ""
    residence: str = HOME
    efforts: tuple = ()
    assessment: str = ""
    note: str = ""
    grant_notes: dict = field(default_factory=dict)

    @property
    def sbsys_id(self):
        return f"27.24.00-G01-{self.number}-25"


def C(number, name, sex, age, birthday, team, worker, step, grants, **kw):  # noqa: N802
    return DemoCase(number, name, sex, age, birthday, team, worker, step, tuple(grants), **kw)


def G(section, *activities, note=""):  # noqa: N802
    return Grant(section, tuple(activities), note)


DEMO_CASES = (
    # -- Forebyggende team: early, light measures (steps 1-2) ----------------------------------
    C(101, "Ella Hansen", "f", 7, (14, 3), "forebyggelse", "sagsbehandler", 1,
      [G("BL-30-1.4", main("100104", start=-3, months=9, amount="3200.00",
                           internal="familiehuset"))],
      scaling=3, district="syd", parent="Louise Hansen",
      assessment="Forældrene søger selv hjælp; forløb i Familiehuset."),
    C(102, "Victor Pedersen", "m", 10, (2, 9), "forebyggelse", "mette", 2,
      [G("BL-31",
         main("100105", freq="biweekly", start=-5, months=12, amount="2800.00",
              provider=TJOERNELY),
         sup("100907", prices=("450.00", "465.00"), units="2", provider=SPROGBROEN))],
      scaling=4, district="oest", parent="Amira Pedersen", efforts=("integrationsindsats",)),
    C(103, "Ida Christensen", "f", 4, (21, 6), "forebyggelse", "sagsbehandler", 1,
      [G("BL-30-1.1", main("100101", start=1, months=6, amount="4500.00",
                           provider=KOMPASROSEN, state="expected"))],
      scaling=2, district="midtby", parent="Sarah Christensen"),
    C(104, "Malthe Larsen", "m", 14, (30, 1), "forebyggelse", "mette", 2,
      [G("BL-35-3", main("100108", start=-7, amount="650.00", provider=FRITIDSBROEN)),
       G("BL-31", main("100105", freq="weekly", start=1, months=6, amount="1900.00",
                       provider=TJOERNELY, state="draft"))],
      scaling=5, district="vest", parent="Kim Larsen", efforts=("kriminalpraeventiv_indsats",)),
    C(105, "Freja Sørensen", "f", 11, (8, 11), "forebyggelse", "sagsbehandler", 2,
      [G("BL-35-1.1", main("100106", start=-4, months=8, amount="2000.00", person="cash"))],
      scaling=4, district="nord", parent="Camilla Sørensen", efforts=("skolefravaer",)),
    # -- Familierådgivning Øst: support in the home (steps 3-4) --------------------------------
    C(106, "Alma Nielsen", "f", 9, (5, 5), "familie_oest", "sagsbehandler", 3,
      [G("BL-32-1.5",
         main("100206", start=-10, months=20, amount="18500.00", provider=LINDELY,
              adjust=(2, "1.25", "To ugentlige sessioner i stedet for én.")),
         sup("100907", months=14, prices=("475.00", "495.00"), units="3",
             provider=TOLKEVAERKSTEDET))],
      scaling=6, district="nord", parent="Hiba Nielsen",
      assessment="Familiebehandling virker; mor ønsker flere sessioner."),
    C(107, "Noah Jensen", "m", 12, (19, 2), "familie_oest", "sagsbehandler", 3,
      [G("BL-32-1.3",
         main("100203", freq="weekly", start=-8, amount="2150.00", provider=STIFINDERNE),
         sup("100108", freq=None, start=1, day=15, amount="1800.00", person="cash",
             state="expected")),
       G("BL-32-1.8", main("100111", start=1, months=6, prices=("1050.00", "1100.00"),
                           units="4", provider=VINTERLYS, state="draft"))],
      scaling=5, district="oest", parent="Peter Jensen"),
    C(108, "Karla Andersen", "f", 5, (11, 10), "familie_oest", "teamleder", 3,
      [G("BL-32-1.5",
         main("100207", start=-6, months=12, amount="42000.00", provider=BROBYGGERNE),
         sup("100905", freq="daily", amount="385.00", provider=PENDULEN))],
      scaling=7, district="syd", parent="Maria Andersen"),
    C(109, "William Poulsen", "m", 15, (27, 4), "familie_oest", "sagsbehandler", 3,
      [G("BL-32-1.8",
         main("100212", freq="weekly", start=-4, months=12, amount="1600.00",
              provider=ANKERPLADSEN),
         sup("100301", freq=None, start=-2, day=10, amount="2500.00", person="cash"))],
      scaling=6, district="midtby", parent="Tina Poulsen", efforts=("skolefravaer",)),
    C(110, "Olivia Rasmussen", "f", 2, (3, 12), "familie_oest", "teamleder", 4,
      [G("BL-32-1.6",
         main("100208", start=-3, months=6, amount="68000.00", provider=LAERKEREDEN),
         sup("100906", rate="koersel_bil_hoej", units="320", person="cash"))],
      scaling=8, district="nord", parent="Jannie Rasmussen",
      assessment="Døgnophold for mor og barn; vurderes efter tre måneder."),
    C(111, "Oscar Mortensen", "m", 8, (16, 8), "familie_oest", "sagsbehandler", 3,
      [G("BL-32-1.2",
         main("100202", freq="weekly", start=1, months=6, amount="2400.00",
              internal="familiehuset", state="expected"),
         sup("100301", amount="1200.00", person="cash", state="expected"))],
      scaling=5, district="vest", parent="Dorthe Mortensen"),
    C(112, "Agnes Thomsen", "f", 13, (9, 7), "familie_oest", "sagsbehandler", 3,
      [G("BL-32-1.7",
         main("100209", start=-9, amount="6800.00", person="sd", payee="Birgit Kjær",
              adjust=(1, "1.15", "Aflastning udvides til 10 døgn om måneden.")),
         sup("100901", rate="kost_logi_10_og_over", units="8", person="sd",
             payee="Birgit Kjær"))],
      scaling=6, district="oest", parent="Hanne Thomsen"),
    # -- Familierådgivning Vest ---------------------------------------------------------------
    C(113, "Lucas Madsen", "m", 10, (22, 1), "familie_vest", "mette", 3,
      [G("BL-32-1.5",
         main("100206", start=-14, months=24, amount="16900.00", provider=NORDSTJERNEN),
         sup("100905", freq="weekly", amount="640.00", provider=BYBILEN))],
      scaling=5, district="vest", parent="Rikke Madsen"),
    C(114, "Sofia Kristensen", "f", 16, (1, 10), "familie_vest", "mette", 3,
      [G("BL-32-1.8", main("100211", start=-5, months=12, amount="9500.00",
                           provider=TJOERNELY)),
       G("BL-33", main("100109", freq="weekly", start=-2, months=6, amount="2300.00",
                       provider=HYLDEBO))],
      scaling=7, district="syd", parent="Lene Kristensen", efforts=("tvaergaaende_ungeindsats",)),
    C(115, "Emil Olsen", "m", 6, (12, 6), "familie_vest", "mette", 2,
      [G("BL-32-1.1",
         main("100201", start=-8, months=12, amount="5400.00", internal="ppr"),
         sup("100905", amount="2100.00", provider=KYSTKOERSEL))],
      scaling=3, district="nord", parent="Anja Olsen"),
    C(116, "Laura Pedersen", "f", 14, (25, 9), "familie_vest", "mette", 3,
      [G("BL-32-1.3", main("100204", freq="biweekly", start=-11, months=18, amount="3900.00",
                           provider=STIFINDERNE,
                           adjust=(1, "0.80", "Nedtrapning: færre timer hver anden uge.")))],
      scaling=6, district="midtby", parent="Charlotte Pedersen"),
    C(117, "Carl Johansen", "m", 11, (4, 4), "familie_vest", "mette", 3,
      [G("BL-35-4.1", main("100301", start=1, months=12, amount="3000.00", person="cash",
                           state="expected"))],
      scaling=4, district="oest", parent="Mads Johansen"),
    C(118, "Clara Berg", "f", 3, (18, 2), "familie_vest", "mette", 4,
      [G("BL-46",
         main("100404", start=-12, amount="5200.00", person="sd", payee="Inger Berg"),
         sup("100901", rate="kost_logi_under_10", units="30", person="sd", payee="Inger Berg"),
         sup("100411", freq=None, start=-12, day=15, rate="netvaerksplejefamilie_oevrige",
             units="1", person="cash", payee="Inger Berg"))],
      scaling=8, district="vest", parent="Julie Berg",
      assessment="Anbragt hos mormor i netværkspleje; stabil trivsel."),
    C(119, "Anton Holm", "m", 17, (29, 3), "familie_vest", "mette", 3,
      [G("BL-32-1.8", main("100212", freq="weekly", start=1, months=9, amount="1450.00",
                           provider=ANKERPLADSEN, state="draft")),
       G("BL-32-1.4", main("100205", freq="weekly", start=1, months=6, amount="450.00",
                           person="cash", payee="Anton Holm", state="draft"))],
      scaling=5, district="syd", parent="Bente Holm", efforts=("kriminalpraeventiv_indsats",)),
    # -- Anbringelsesteamet: placements (steps 4-6) --------------------------------------------
    C(120, "Mathilde Lund", "f", 12, (7, 5), "anbringelse", "kasper", 6,
      [G("BL-46",
         main("100406", freq="daily", start=-16, months=24, amount="2350.00",
              provider=SOLSIKKE),
         sup("100902", freq="weekly", rate="lommepenge_11_13", units="1", provider=SOLSIKKE),
         sup("100903", amount="700.00", provider=SOLSIKKE),
         sup("100904", freq=None, start=6, day=1, amount="4500.00", person="cash",
             state="draft"))],
      scaling=9, district="udenfor", residence="316", parent="Sanne Lund"),
    C(121, "Magnus Schmidt", "m", 15, (13, 8), "anbringelse", "kasper", 6,
      [G("BL-47",
         main("100407", start=-7, amount="74500.00", provider=RAVNSHOLT),
         sup("100416", amount="3200.00", provider=KOMPASROSEN),
         sup("100306", rate="koersel_bil_hoej", units="180", person="cash"))],
      scaling=10, district="udenfor", residence="330", parent="Michael Schmidt",
      efforts=("kriminalpraeventiv_indsats",)),
    C(122, "Asta Frederiksen", "f", 8, (20, 10), "anbringelse", "kasper", 5,
      [G("BL-46",
         main("100402", start=-20, amount="32900.00", person="sd", payee="Susanne Dahl",
              adjust=(1, "1.20", "Ekstra vederlag pga. øget støttebehov.")),
         sup("100901", rate="kost_logi_under_10", units="30", person="sd",
             payee="Susanne Dahl"),
         sup("100902", freq="weekly", rate="lommepenge_3_10", units="1", person="sd",
             payee="Susanne Dahl"),
         sup("100909", freq=None, start=2, day=20, amount="3500.00", person="cash",
             payee="Susanne Dahl", state="expected"))],
      scaling=8, district="udenfor", residence="253", parent="Nadia Frederiksen"),
    C(123, "Elias Jakobsen", "m", 17, (2, 2), "anbringelse", "kasper", 6,
      [G("BL-46",
         main("100409", start=-3, months=10, amount="9800.00", provider=FJORDBO),
         sup("100902", freq="weekly", rate="lommepenge_16_og_over", units="1",
             person="cash", payee="Elias Jakobsen"),
         sup("100908", freq=None, start=-3, day=5, amount="3000.00", person="cash"))],
      scaling=9, district="udenfor", residence="621", parent="Pia Jakobsen"),
    C(124, "Nora Knudsen", "f", 1, (15, 7), "anbringelse", "kasper", 5,
      [G("BL-46",
         main("100401", start=1, amount="21480.00", person="sd", payee="Jens Kjeldsen",
              state="expected"),
         sup("100901", rate="kost_logi_under_10", units="30", person="sd",
             payee="Jens Kjeldsen", state="expected"),
         sup("100908", freq=None, start=1, day=10, amount="4000.00", person="cash",
             payee="Jens Kjeldsen", state="expected"))],
      scaling=8, district="udenfor", residence="159", parent="Stine Knudsen",
      assessment="Ny anbringelse i almen plejefamilie; indstillet til afsnitslederen."),
    C(125, "Valdemar Møller", "m", 14, (28, 11), "anbringelse", "kasper", 6,
      [G("BL-47", main("100408", freq="daily", start=-2, months=6, amount="5900.00",
                       provider=FYRREBAKKEN)),
       G("BL-76", main("100415", start=-1, months=12, amount="6500.00",
                       provider=KOMPASROSEN))],
      scaling=10, district="udenfor", residence="727", parent="Karin Møller",
      efforts=("kriminalpraeventiv_indsats",)),
    C(126, "Liva Kjær", "f", 10, (6, 3), "anbringelse", "kasper", 5,
      [G("BL-67",
         main("100403", start=-24, amount="41200.00", person="sd", payee="Lone Vinther"),
         sup("100901", rate="kost_logi_10_og_over", units="30", person="sd",
             payee="Lone Vinther"),
         sup("100417", amount="2800.00", provider=LINDELY))],
      scaling=7, district="udenfor", residence="265", parent="Tanja Kjær"),
    # -- Handicapteamet (target group handicap) ------------------------------------------------
    C(127, "Felix Eriksen", "m", 7, (10, 4), "handicap", "jonas", 3,
      [G("BL-86",
         main("100607", start=-11, rate="kompensationsydelse_standard", units="2",
              person="cash"),
         sup("100608", freq=None, start=-8, months=12, person="cash",
             individual=((-6, 10, "2350.00"), (-2, 3, "1180.00"), (2, 12, "3400.00"))))],
      target_group="handicap", scaling=6, parent="Rasmus Eriksen"),
    C(128, "Alberte Munk", "f", 11, (23, 12), "handicap", "jonas", 3,
      [G("BL-87", main("100609", start=-13, amount="18750.00", person="sd")),
       G("BL-90-1.2", main("100614", start=-5, months=12, amount="14600.00",
                           provider=SOMMERFUGL))],
      target_group="handicap", scaling=7, parent="Signe Munk"),
    C(129, "Storm Vestergaard", "m", 5, (17, 9), "handicap", "jonas", 3,
      [G("BL-85",
         main("100605", start=-6, months=18, amount="12400.00", provider=TRINBRAETTET),
         sup("100606", freq=None, start=-5, day=8, amount="8900.00", person="cash"),
         sup("100609", amount="9800.00", person="sd"))],
      target_group="handicap", scaling=8, parent="Maja Vestergaard"),
    C(130, "Josefine Friis", "f", 14, (12, 1), "handicap", "jonas", 2,
      [G("BL-89",
         main("100611", start=-9, amount="2100.00", provider=VEJVISEREN),
         sup("100612", freq=None, start=-9, day=15, rate="ledsager_udgifter", units="1",
             person="cash"),
         sup("100906", rate="koersel_bil_hoej", units="90", person="cash"))],
      target_group="handicap", scaling=4, parent="Henrik Friis"),
    C(131, "Aksel Mikkelsen", "m", 9, (8, 6), "handicap", "jonas", 3,
      [G("BL-83", main("100603", start=-15, months=30, amount="11300.00",
                       provider=TREKLOEVER)),
       G("BL-90-1.9", main("100617", freq="weekly", start=1, months=12, amount="1250.00",
                           provider=KYSTKOERSEL, state="expected"))],
      target_group="handicap", scaling=7, parent="Line Mikkelsen"),
    C(132, "Luna Bach", "f", 16, (30, 8), "handicap", "jonas", 3,
      [G("BL-81-1",
         main("100111", start=1, months=6, prices=("1050.00", "1100.00"), units="2",
              provider=BOELGESLAG, state="draft"),
         sup("100907", prices=("450.00", "465.00"), units="2", provider=SPROGBROEN,
             state="draft"))],
      target_group="handicap", scaling=6, parent="Yasmin Bach"),
    # -- Ungeteamet (target group unge, 18-22 years) -------------------------------------------
    C(133, "Mikkel Holm", "m", 19, (3, 3), "unge", "fatima", 5,
      [G("BL-114-1.1",
         main("100401", start=-4, months=14, amount="21480.00", person="sd",
              payee="Karen Vang"),
         sup("100902", freq="weekly", rate="lommepenge_16_og_over", units="1",
             person="cash", payee="Mikkel Holm"))],
      target_group="unge", parent="Mikkel Holm", efforts=("overgang_til_voksenlivet",)),
    C(134, "Sara Ahmed", "f", 18, (14, 1), "unge", "fatima", 3,
      [G("BL-114-1.2", main("100203", freq="weekly", start=-6, months=12, amount="1900.00",
                            provider=STIFINDERNE))],
      target_group="unge", parent="Sara Ahmed"),
    C(135, "Jonas Lindberg", "m", 20, (26, 5), "unge", "fatima", 4,
      [G("BL-114-1.3",
         main("100501", start=-8, months=12, amount="24800.00", provider=SPRINGVANDET),
         sup("100902", freq="weekly", rate="lommepenge_16_og_over", units="1",
             person="cash", payee="Jonas Lindberg"),
         sup("100903", amount="600.00", person="cash", payee="Jonas Lindberg"))],
      target_group="unge", parent="Jonas Lindberg", efforts=("tvaergaaende_ungeindsats",)),
    C(136, "Emma Dalgaard", "f", 21, (9, 9), "unge", "fatima", 3,
      [G("BL-114-1.4",
         main("100212", freq="weekly", start=1, months=9, amount="1350.00",
              provider=ANKERPLADSEN, state="expected"),
         sup("100418", freq=None, start=2, day=5, amount="5600.00", provider=LAERKEREDEN,
             state="expected"))],
      target_group="unge", parent="Emma Dalgaard"),
    C(137, "Ali Demir", "m", 18, (19, 12), "unge", "fatima", 3,
      [G("BL-116", main("100502", start=1, months=12, amount="7200.00",
                        internal="ungdomspensionen", state="draft"))],
      target_group="unge", parent="Ali Demir", efforts=("overgang_til_voksenlivet",)),
)  # fmt: skip


# -- dates and identifiers -------------------------------------------------------------------


def month_start(today, offset):
    """The first day of the month ``offset`` months from ``today``'s month."""
    return add_months(today.replace(day=1), offset)


def cpr_number(birth, serial_seed, sex):
    """A CPR number in the valid format for ``birth`` (no modulus-11 check, as the spec says).

    The 7th digit encodes the century (0-3: 1900s, 4: 2000-2036); the last digit is odd for
    boys and men, even for girls and women.
    """
    century_digit = 4 if birth.year >= 2000 else 1
    last = (serial_seed % 5) * 2 + (1 if sex == "m" else 0)
    serial = f"{century_digit}{serial_seed % 100:02d}{last}"
    return f"{birth:%d%m}{birth.year % 100:02d}-{serial}"


def birth_date(today, age, birthday):
    day, month = birthday
    born = date(today.year - age, month, day)
    return born if born <= today else date(today.year - age - 1, month, day)


# -- the step --------------------------------------------------------------------------------


class _Classification:
    """UIDs and objects of the seed classification by key, looked up once."""

    def __init__(self):
        self._cache = {}

    def get(self, portal_type, key):
        cache_key = (portal_type, key)
        if cache_key not in self._cache:
            obj = by_key(portal_type, key)
            if obj is None:
                raise LookupError(f"{portal_type} {key} is missing from the classification")
            self._cache[cache_key] = obj
        return self._cache[cache_key]

    def uid(self, portal_type, key):
        return self.get(portal_type, key).UID()


def ensure_case_workers(progress=print):
    """The demo case workers, and every demo user in the groups of the teams they work in."""
    steps = Progress(
        "sagsbehandlere og teams", len(DEMO_CASE_WORKERS) + len(TEAM_MEMBERS), progress
    )
    for user in DEMO_CASE_WORKERS:
        if api.user.get(username=user.username) is None:
            create_user(user.username, DEMO_PASSWORD, fullname=user.fullname)
        if user.username not in {m.getId() for m in api.user.get_users(groupname=user.group_id)}:
            api.group.add_user(groupname=user.group_id, username=user.username)
        steps.step(user.username)
    if any(api.group.get(groupname=team_group_id(key)) is None for key in TEAM_MEMBERS):
        sync_team_groups(regelmotor())
    for team, usernames in TEAM_MEMBERS.items():
        group_id = team_group_id(team)
        members = {member.getId() for member in api.user.get_users(groupname=group_id)}
        for username in usernames:
            if username not in members and api.user.get(username=username) is not None:
                api.group.add_user(groupname=group_id, username=username)
        steps.step(f"{group_id}: {', '.join(usernames)}")
    ensure_unit_leaders(regelmotor())


def ensure_unit_leaders(container):
    """The afsnit of the demo teams get the demo section leader as their leader, where they have
    none (an administrator's choice is kept)."""
    demo_units = {
        row.get("unit")
        for row in getattr(container, "teams", None) or []
        if row["key"] in TEAM_MEMBERS
    }
    changed = False
    units = []
    for row in getattr(container, "units", None) or []:
        if row["key"] in demo_units and not row.get("leader"):
            row = {**row, "leader": UNIT_LEADER}
            changed = True
        units.append(row)
    if changed:
        container.units = units
        sync_team_groups(container)


@contextmanager
def acting_as(username):
    """Act as the named demo user with the Manager role added for this block only (the PAS
    user object is made per request, so nothing is stored): content gets its creator, decisions
    their approver and the workflow history its actor, and the workflow guards (which read the
    user's roles, not proxy roles) let the loader decide."""
    portal = api.portal.get()
    user = portal.acl_users.getUserById(username)
    if user is None:
        user = UnrestrictedUser(username, "", ["Manager"], []).__of__(portal.acl_users)
    else:
        user._addRoles(["Manager"])
    previous = getSecurityManager()
    newSecurityManager(None, user)
    try:
        yield user
    finally:
        setSecurityManager(previous)


def find_case(sbsys_id):
    brains = api.content.find(portal_type="bos_case", bos_sbsys_id=sbsys_id, unrestricted=True)
    return brains[0]._unrestrictedGetObject() if brains else None


def case_fields(spec, today):
    born = birth_date(today, spec.age, spec.birthday)
    fields = {
        "sbsys_id": spec.sbsys_id,
        "cpr_number": cpr_number(born, spec.number, spec.sex),
        "title": spec.name,
        "case_worker": spec.worker,
        "team": spec.team,
        "target_group": spec.target_group,
        "district": spec.district,
        "paying_municipality": HOME,
        "acting_municipality": HOME,
        "residence_municipality": spec.residence,
        "effort_step": spec.step,
        "scaling_step": spec.scaling,
        "assessment_comment": spec.assessment or None,
        "efforts": list(spec.efforts),
        "note": spec.note or None,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _payee(spec, act, today):
    """(recipient_type, recipient_id, recipient_name, payment_method) of an activity."""
    if act.provider:
        return "company", act.provider, None, "invoice"
    if act.internal:
        row = list_row("internal_recipients", act.internal)
        return "internal", act.internal, row["title"] if row else act.internal, "internal"
    name = act.payee or spec.parent or spec.name
    if name == spec.name:
        born = birth_date(today, spec.age, spec.birthday)
        return "person", cpr_number(born, spec.number, spec.sex), name, act.person or "cash"
    sex = "f" if name.split()[0] in FEMALE_NAMES else "m"
    born = birth_date(today, 36 + spec.number % 15, (1 + spec.number % 28, 1 + spec.number % 12))
    return "person", cpr_number(born, spec.number + len(name), sex), name, act.person or "cash"


FEMALE_NAMES = {
    "Louise", "Amira", "Sarah", "Camilla", "Hiba", "Maria", "Tina", "Jannie", "Dorthe", "Hanne",
    "Birgit", "Rikke", "Lene", "Anja", "Charlotte", "Julie", "Inger", "Bente", "Sanne", "Susanne",
    "Nadia", "Pia", "Stine", "Karin", "Tanja", "Lone", "Signe", "Maja", "Line", "Yasmin", "Karen",
}  # fmt: skip


def activity_fields(spec, act, main_fields, lookup, today):
    if act.start is None and act.kind == "supplementary":
        start = main_fields["start_date"]
        end = main_fields.get("end_date") if act.months is None else None
    else:
        start = month_start(today, act.start)
        end = None
    if end is None and act.months is not None:
        end = add_months(start, act.months) - timedelta(days=1)
    recipient_type, recipient_id, recipient_name, method = _payee(spec, act, today)
    fields = {
        "service": lookup.uid("bos_service", act.service),
        "activity_type": act.kind,
        "recipient_type": recipient_type,
        "recipient_id": recipient_id,
        "payment_method": method,
        "note": act.note or None,
    }
    if recipient_name:
        fields["recipient_name"] = recipient_name
    else:
        fields["recipient_name"] = lookup.get("bos_service_provider", act.provider).title
    if act.provider:
        fields["service_provider"] = lookup.uid("bos_service_provider", act.provider)
    if act.individual:
        fields.update(payment_type="individual", start_date=start, end_date=end)
        fields["individual_payments"] = [
            {"date": month_start(today, months).replace(day=day), "amount": Decimal(amount)}
            for months, day, amount in act.individual
        ]
        return fields
    if act.freq is None:
        fields.update(payment_type="one_time", payment_date=start.replace(day=act.day))
    else:
        fields.update(
            payment_type="running",
            payment_frequency=act.freq,
            start_date=start,
            end_date=end,
        )
        if act.freq == "monthly":
            fields["payment_day_of_month"] = act.day
    if act.rate:
        fields.update(
            payment_cost_type="rate",
            payment_rate=lookup.uid("bos_rate", act.rate),
            payment_units=Decimal(act.units),
        )
    elif act.prices:
        new_year = date(today.year, 1, 1)
        old, new = act.prices
        fields.update(
            payment_cost_type="per_unit",
            payment_units=Decimal(act.units),
            payment_prices=[
                {"start_date": None, "end_date": new_year, "amount": Decimal(old)},
                {"start_date": new_year, "end_date": None, "amount": Decimal(new)},
            ],
        )
    else:
        fields.update(payment_cost_type="fixed", payment_amount=Decimal(act.amount))
    return fields


def record_grant(appropriation, activities, spec, today):
    """Grant through the real decision path (``decisions.grant``, as @bos-grant): the level the
    rules require, recorded by a user who decides at that level, on a day before the start;
    committee decisions with their meeting date and reference. Journal and letter follow."""
    objs = [activity for activity, _act in activities]
    starts = [a.start_date or a.payment_date for a in objs if a.start_date or a.payment_date]
    decided = min([today, *starts]) - timedelta(days=14)
    level = required_level(objs, when=decided)
    approver = APPROVER_BY_ROLE.get(level.role, spec.worker)
    committee = {}
    if level.committee:
        committee = {
            "meeting_date": decided,
            "decision_reference": f"Dagsordenspunkt {spec.number % 17 + 3}",
            "decision_text": f"{level.title} tiltrådte indstillingen.",
        }
    parameters = DecisionParameters(
        approval_level=level.key,
        note=f"Bevilget på niveauet {level.title.lower()}.",
        **committee,
    )
    with acting_as(approver) as user:
        result = grant_activities(
            appropriation, [IUUID(obj) for obj in objs], parameters, user=user, today=decided
        )
    if not result.ok:
        raise RuntimeError(f"Demo grant of {appropriation.sbsys_id} refused: {result.errors}")


def submit(appropriation, activities, spec):
    """Submit (indstil) the expected activities for approval, as the case worker does."""
    with acting_as(spec.worker) as user:
        errors, _level = submit_activities(
            appropriation,
            [IUUID(activity) for activity, _act in activities],
            comment="Indstillet til bevilling.",
            user=user,
        )
    if errors:
        raise RuntimeError(f"Demo submit in {appropriation.sbsys_id} refused: {errors}")


def add_adjustment(original, act, today):
    """An expected adjustment (forventet justering) of a granted activity through the real path
    (``grants.create_adjustment``): same service, a new amount or number of units from the
    first of a coming month; it is submitted for approval."""
    months, factor, note = act.adjust
    factor = Decimal(factor)
    data = {"start_date": month_start(today, months).isoformat(), "note": note}
    if original.payment_cost_type == "fixed":
        data["payment_amount"] = f"{(original.payment_amount * factor).quantize(Decimal('1'))}"
    else:
        data["payment_units"] = f"{original.payment_units * factor}"
    return create_adjustment(original, data, today=today)


def create_case(container, spec, lookup, today):
    case = createContentInContainer(container, "bos_case", **case_fields(spec, today))
    counts = {"granted": 0, "expected": 0, "draft": 0}
    for index, grant in enumerate(spec.grants, start=1):
        section = lookup.get("bos_section", grant.section)
        main_service = lookup.get("bos_service", grant.activities[0].service)
        kle = next(
            (row["kle_number"] for row in main_service.sections if row["section"] == grant.section),
            "27.24.00",
        )
        appropriation = createContentInContainer(
            case,
            "bos_appropriation",
            sbsys_id=f"{kle}-G{index:02d}-{spec.number}-25",
            section=section.UID(),
            note=grant.note or None,
        )
        made = []
        main_fields = None
        for act in grant.activities:
            fields = activity_fields(spec, act, main_fields, lookup, today)
            if act.kind == "main":
                main_fields = fields
            made.append((createContentInContainer(appropriation, "bos_activity", **fields), act))
        granted = [(activity, act) for activity, act in made if act.state == "granted"]
        if granted:
            record_grant(appropriation, granted, spec, today)
        expected = [(activity, act) for activity, act in made if act.state == "expected"]
        if expected:
            submit(appropriation, expected, spec)
        for _activity, act in made:
            counts[act.state] += 1
        for activity, act in granted:
            if act.adjust:
                add_adjustment(activity, act, today)
                counts["expected"] += 1
    return case, counts


def create_demo_cases(portal, progress=print, today=None):
    """The demo cases in /sager (idempotent: a case whose SBSYS id exists is left alone)."""
    today = today or clock.today()
    ensure_case_workers(progress)
    container = portal["sager"]
    lookup = _Classification()
    steps = Progress("sager", len(DEMO_CASES), progress)
    for spec in DEMO_CASES:
        if find_case(spec.sbsys_id) is not None:
            steps.step(f"{spec.sbsys_id} findes allerede")
            continue
        with acting_as(spec.worker):
            _case, counts = create_case(container, spec, lookup, today)
            summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
        steps.step(f"{spec.sbsys_id} {spec.name} ({len(spec.grants)} bev.; {summary})")
