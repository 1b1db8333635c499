"""Danmarks Statistik's deliveries made in-process (dst/): an initial load and a delta load of
L231 with consolidation, adjustments, a one-time main activity and a changed acting
municipality, validated against the XSDs; L201 with and without a parent; the stored delivery
and the screen's "since the last delivery". Today is Monday 7 December 2026 (period 2026M11).
"""

from datetime import date

import pytest
from lxml import etree
from plone.uuid.interfaces import IUUID
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

from os2bos_plone import settings
from os2bos_plone.classification.reader import by_key
from os2bos_plone.dst import deliveries
from os2bos_plone.dst.export import DstSettingsMissing
from os2bos_plone.dst.export import run
from os2bos_plone.dst.xml import NS
from os2bos_plone.dst.xml import NS_ENVELOPE
from tests.builders import DST_SETTINGS
from tests.builders import add_activity
from tests.builders import dst_schema
from tests.builders import ensure_user
from tests.builders import make_appropriation
from tests.builders import make_case
from tests.builders import view

TODAY = date(2026, 12, 7)
MOTHER = {"relation": "mor", "cpr": "020285-1234", "name": "Anna Hansen", "related_case": ""}
SISTER = {"relation": "soeskende", "cpr": "030312-4321", "name": "Sif Hansen", "related_case": ""}
#: Leisure activities (100108), a main service under BL-35-3 only.
LEISURE = {"service": "100108"}
L231 = "DST_BoernMedHandicapLeveranceL231Struktur.xsd"


def q(name, ns=NS):
    return f"{{{ns}}}{name}"


@pytest.fixture
def today(frozen_today):
    frozen_today(TODAY)
    return frozen_today


@pytest.fixture
def dst(manager, today):
    settings.reader.write(**DST_SETTINGS)
    ensure_user("mette", "Mette Mortensen", roles=["BOSCaseWorker"])
    # Two handicap sections with codes, one preventive section.
    for key, code, preventive, handicap in (
        ("BL-32-1.5", "123", False, True),
        ("BL-76", "456", False, True),
        ("BL-35-3", "P17", True, False),
    ):
        section = by_key("bos_section", key)
        section.dst_code = code
        section.dst_preventative_measures = preventive
        section.dst_handicap = handicap
    return manager


def case(portal, cpr="010118-1234", family=(), **fields):
    return make_case(
        portal, cpr_number=cpr, case_worker="mette", related_persons=list(family), **fields
    )


def granted_main(appropriation, start, end, appropriated, **changes):
    activity = add_activity(appropriation, start=start, end=end, **changes)
    activity.appropriation_date = appropriated
    if end is None:  # open-ended (add_activity gives an end by default)
        activity.end_date = None
    return activity


def elements(xml, name):
    root = etree.fromstring(xml)
    return [
        {child.tag.split("}")[1]: child.text for child in element} for element in root.iter(q(name))
    ]


def test_initial_load_of_l231_consolidates_and_validates(dst):
    alma = case(dst)
    far = make_appropriation(alma, "BL-32-1.5", sbsys_id="27.24.36-G01-7-20-Far")
    granted_main(far, date(2026, 2, 1), date(2026, 12, 31), date(2026, 1, 20))
    mor = make_appropriation(alma, "BL-76", sbsys_id="27.24.36-G01-7-20-Mor")
    granted_main(mor, date(2026, 3, 1), date(2027, 6, 30), date(2026, 2, 25))
    # a one-time main activity without dates: reported on its payment date
    bo = case(dst, cpr="020219-4321")
    once = make_appropriation(bo, "BL-32-1.5", sbsys_id="27.24.36-G01-9-20")
    single = granted_main(
        once,
        date(2026, 5, 10),
        date(2026, 5, 10),
        date(2026, 5, 2),
        payment_type="one_time",
        payment_frequency=None,
        payment_day_of_month=None,
        payment_date=date(2026, 5, 10),
    )
    single.start_date = single.end_date = None
    # not reported: a draft, a section outside L231, a grant appropriated before the period
    draft = make_appropriation(bo, "BL-32-1.5", sbsys_id="27.24.36-G01-10-20")
    add_activity(draft, state="draft")
    other = make_appropriation(bo, "BL-35-3", sbsys_id="27.24.36-G01-11-20")
    granted_main(other, date(2026, 2, 1), date(2026, 12, 31), date(2026, 1, 20), **LEISURE)
    old = make_appropriation(bo, "BL-32-1.5", sbsys_id="27.24.36-G01-12-20")
    granted_main(old, date(2025, 2, 1), date(2025, 12, 31), date(2025, 1, 20))

    result = run("handicap", date(2026, 1, 1), TODAY, test=True, initial_load=True)

    assert result.filename.startswith("T_151_T231_P2026M11_V01_D20261207T")
    schema = dst_schema(L231)
    document = etree.fromstring(result.content)
    assert schema.validate(document), schema.error_log
    # the copy beside L201 names the metadata by its remote address: resolved locally too
    assert dst_schema(L231, "dst_preventative_measures").validate(document)
    envelope = document.find(f"{q('DeliveryMetadataNewStructure')}/{q('Envelope', NS_ENVELOPE)}")
    assert [child.text for child in envelope][:4] == ["CEMOS", "D280600", "T231", "2026M11"]
    assert elements(result.content, "BoernMedHandicapSagStruktur") == [
        {
            "INDSATSFORLOEB_ID": "27.24.36-G01-7-20",
            "INDBERETNINGSTYPE": "Ny",
            "CPR": "0101181234",
            "INDSATS_KODE": "123",
            "INDSATS_STARTDATO": "2026-02-01",
            "INDSATS_SLUTDATO": "2027-06-30",
            "SAGSBEHANDLER": "Mette Mortensen",
        },
        {
            "INDSATSFORLOEB_ID": "27.24.36-G01-9-20",
            "INDBERETNINGSTYPE": "Ny",
            "CPR": "0202194321",
            "INDSATS_KODE": "123",
            "INDSATS_STARTDATO": "2026-05-10",
            "INDSATS_SLUTDATO": "2026-05-10",
            "SAGSBEHANDLER": "Mette Mortensen",
        },
    ]
    # a test file is not a delivery
    assert deliveries.deliveries() == []


def test_delta_load_new_and_changed(dst, today):
    carl = case(dst, cpr="030320-5555")
    # granted in March, adjusted in July: a change
    adjusted = make_appropriation(carl, "BL-32-1.5", sbsys_id="27.24.36-G01-21-20")
    original = granted_main(adjusted, date(2026, 3, 1), date(2026, 12, 31), date(2026, 3, 1))
    today(date(2026, 6, 25))  # an adjustment starts today or later
    granted_main(
        adjusted,
        date(2026, 7, 1),
        date(2027, 3, 31),
        date(2026, 7, 1),
        modifies=IUUID(original),
    )
    today(TODAY)
    # granted in August only: new
    fresh = make_appropriation(carl, "BL-76", sbsys_id="27.24.36-G01-22-20")
    granted_main(fresh, date(2026, 8, 15), date(2026, 12, 31), date(2026, 8, 1))
    # granted in February, nothing since: not reported
    quiet = make_appropriation(carl, "BL-76", sbsys_id="27.24.36-G01-23-20")
    granted_main(quiet, date(2026, 2, 1), date(2026, 12, 31), date(2026, 2, 1))
    # granted in February on a case whose acting municipality changed in September: a change
    dora = case(dst, cpr="040421-6666")
    moved = make_appropriation(dora, "BL-32-1.5", sbsys_id="27.24.36-G01-24-20")
    granted_main(moved, date(2026, 2, 1), None, date(2026, 2, 1))
    today(date(2026, 9, 15))
    dora.acting_municipality = "101"
    notify(ObjectModifiedEvent(dora))
    today(TODAY)

    result = run("handicap", date(2026, 6, 1), TODAY, test=False, initial_load=False)

    assert result.filename.startswith("P_151_L231_P2026M11_V01_D20261207T")
    document = etree.fromstring(result.content)
    assert dst_schema(L231).validate(document)
    found = {
        element["INDSATSFORLOEB_ID"]: element
        for element in elements(result.content, "BoernMedHandicapSagStruktur")
    }
    assert sorted(found) == ["27.24.36-G01-21-20", "27.24.36-G01-22-20", "27.24.36-G01-24-20"]
    assert found["27.24.36-G01-21-20"]["INDBERETNINGSTYPE"] == "Ændring"
    assert found["27.24.36-G01-21-20"]["INDSATS_STARTDATO"] == "2026-03-01"
    assert found["27.24.36-G01-21-20"]["INDSATS_SLUTDATO"] == "2027-03-31"
    assert found["27.24.36-G01-22-20"]["INDBERETNINGSTYPE"] == "Ny"
    assert found["27.24.36-G01-24-20"]["INDBERETNINGSTYPE"] == "Ændring"
    assert "INDSATS_SLUTDATO" not in found["27.24.36-G01-24-20"]
    # the real delivery is kept: what, when, who, the period and the file
    [kept] = deliveries.deliveries()
    assert kept["kind"] == "handicap"
    assert kept["time"].startswith("2026-12-07T")
    assert (kept["from_date"], kept["to_date"]) == ("2026-06-01", "2026-12-07")
    assert kept["filename"] == result.filename
    assert kept["count"] == 3
    assert kept["initial_load"] is False


def test_l201_reports_grants_with_a_parent(dst):
    with_mother = case(dst, cpr="050522-7777", family=[SISTER, MOTHER])
    measure = make_appropriation(with_mother, "BL-35-3", sbsys_id="27.24.36-G01-31-20")
    granted_main(measure, date(2026, 4, 1), date(2026, 10, 31), date(2026, 3, 20), **LEISURE)
    no_parent = case(dst, cpr="060623-8888", family=[SISTER])
    skipped = make_appropriation(no_parent, "BL-35-3", sbsys_id="27.24.36-G01-32-20")
    granted_main(skipped, date(2026, 4, 1), date(2026, 10, 31), date(2026, 3, 20), **LEISURE)

    result = run("preventive", None, None, test=True, initial_load=True)

    assert result.filename.startswith("T_151_T201_P2026M11_V01_D20261207T")
    assert result.skipped == [("27.24.36-G01-32-20", "ingen mor eller far på sagen")]
    document = etree.fromstring(result.content)
    # the schema copy lacks DST_ForanstaltningStrukturSamling.xsd: the metadata against the
    # copy, the elements against spec 3.6
    assert document.tag == q("UdsatteBoernOgUngeLeveranceL201U1Struktur")
    metadata, collection = list(document)
    schema = dst_schema("DST_DeliveryMetadataNewStructure.xsd")
    assert schema.validate(metadata), schema.error_log
    assert metadata.find(f"{q('Envelope', NS_ENVELOPE)}/{q('FormID', NS_ENVELOPE)}").text == "T201"
    assert collection.tag == q("ForanstaltningStrukturSamling")
    [element] = list(collection)
    assert element.tag == q("ForanstaltningStruktur")
    assert [(child.tag.split("}")[1], child.text) for child in element] == [
        ("UdsatBarnCPRidentifikator", "0505227777"),
        ("FormynderCPRidentifikator", "0202851234"),
        ("ForanstaltningId", "27.24.36-G01-31-20"),
        ("ForanstaltningKode", "P17"),
        ("ForanstaltningStartDato", "2026-04-01"),
        ("ForanstaltningSlutDato", "2026-10-31"),
    ]


def test_settings_must_be_filled_and_nothing_to_report(manager, today):
    with pytest.raises(DstSettingsMissing) as missing:
        run("handicap", test=True)
    assert "Kommunenummeret mangler i indstillingerne." in missing.value.problems


def test_empty_period_gives_no_file_and_keeps_nothing(dst):
    result = run("handicap", date(2026, 11, 1), TODAY, test=False)
    assert result.records == [] and result.content == b""
    assert deliveries.deliveries() == []


def test_the_screen_presets_changes_since_the_last_delivery(dst, today):
    today(date(2026, 11, 3))
    alma = case(dst)
    grant = make_appropriation(alma, "BL-32-1.5", sbsys_id="27.24.36-G01-41-20")
    granted_main(grant, date(2026, 10, 1), date(2026, 12, 31), date(2026, 10, 1))
    first = run("handicap", None, None, test=False, initial_load=True)
    today(TODAY)

    screen = view(dst, "bos-dst", since_last="handicap")
    html = screen()
    assert screen.values["from_date"] == "2026-11-03"
    assert screen.values["to_date"] == "2026-12-07"
    assert screen.values["initial_load"] is False
    assert 'value="03.11.2026"' in html  # the date field in the Danish style
    assert first.filename in html
    assert "Børn og unge med handicap (L231)" in html
    # a kind without deliveries presets no start
    other = view(dst, "bos-dst", since_last="preventive")
    other()
    assert other.values["from_date"] == ""
