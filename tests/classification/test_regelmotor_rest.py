"""Acceptance of the regelmotor over REST: administrators edit, everybody reads, choices follow."""

VOCAB = "@vocabularies/os2bos_plone.vocabularies"


def error_text(response):
    """The decoded message of an API error (plone.restapi lists validation errors in it)."""
    return response.json()["message"]


def titles(response):
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_admin_adds_section_and_service_which_appear_in_filtered_vocabularies(http):
    admin = http("rasmus", roles=["BOSClassificationAdmin"])
    response = admin.post(
        f"{admin.base}/regelmotor",
        json={
            "@type": "bos_section",
            "key": "BL-999-1.1",
            "title": "Forsøgsordning",
            "law_name": "Barnets lov",
            "target_groups": ["familie"],
            "effort_steps": [2, 3],
        },
    )
    assert response.status_code == 201, response.text
    section_uid = response.json()["UID"]
    response = admin.post(
        f"{admin.base}/regelmotor",
        json={
            "@type": "bos_service",
            "service_id": "999001",
            "title": "Forsøgsydelse",
            "sections": [{"section": "BL-999-1.1", "main": True, "supplementary": False}],
        },
    )
    assert response.status_code == 201, response.text

    worker = http("signe", roles=["BOSCaseWorker"])
    sections = titles(
        worker.get(f"{worker.base}/{VOCAB}.Sections?target_group=familie&effort_step=3&b_size=500")
    )
    assert "BL-999-1.1 Forsøgsordning" in sections
    # Another target group does not get it offered.
    sections = titles(
        worker.get(f"{worker.base}/{VOCAB}.Sections?target_group=handicap&effort_step=3&b_size=500")
    )
    assert "BL-999-1.1 Forsøgsordning" not in sections

    main_services = titles(
        worker.get(f"{worker.base}/{VOCAB}.MainServices?section={section_uid}&b_size=500")
    )
    assert main_services == ["Forsøgsydelse"]
    by_key = titles(worker.get(f"{worker.base}/{VOCAB}.MainServices?section=BL-999-1.1"))
    assert by_key == ["Forsøgsydelse"]


def test_case_worker_cannot_edit_classification(http):
    worker = http("signe", roles=["BOSCaseWorker"])
    section = worker.get(f"{worker.base}/regelmotor/bl-32-1.3")
    assert section.status_code == 200
    response = worker.patch(f"{worker.base}/regelmotor/bl-32-1.3", json={"title": "Hacket"})
    assert response.status_code == 403
    assert response.json()["message"] == "Du har ikke adgang til at udføre denne handling."
    response = worker.post(
        f"{worker.base}/regelmotor",
        json={"@type": "bos_section", "key": "BL-998", "title": "Nej"},
    )
    assert response.status_code == 403
    response = worker.patch(f"{worker.base}/regelmotor", json={"approval_rules": []})
    assert response.status_code == 403
    assert worker.get(f"{worker.base}/regelmotor/bl-32-1.3").json()["title"] != "Hacket"


def test_anonymous_sees_nothing(http, functional_portal):
    import requests

    for path in ("regelmotor", "regelmotor/bl-32-1.3", "sager"):
        response = requests.get(
            f"{functional_portal.absolute_url()}/{path}", headers={"Accept": "application/json"}
        )
        assert response.status_code == 401, path


def test_provider_cvr_checked_with_danish_message(http):
    admin = http("rasmus", roles=["BOSClassificationAdmin"])
    bad = admin.post(
        f"{admin.base}/regelmotor",
        json={"@type": "bos_service_provider", "cvr": "25052944", "title": "Forkert ApS"},
    )
    assert bad.status_code == 400
    message = bad.text
    assert "CVR-nummeret" in message and "kontrolciffer" in message
    good = admin.post(
        f"{admin.base}/regelmotor",
        json={"@type": "bos_service_provider", "cvr": "25052943", "title": "Rigtig ApS"},
    )
    assert good.status_code == 201, good.text
    assert good.json()["vat_factor"] == "100.00"
    duplicate = admin.post(
        f"{admin.base}/regelmotor",
        json={"@type": "bos_service_provider", "cvr": "25052943", "title": "Igen ApS"},
    )
    assert duplicate.status_code == 400
    assert "Der findes allerede en leverandør med CVR-nummer 25052943" in error_text(duplicate)


def test_vat_factor_bounds(http):
    admin = http("rasmus", roles=["BOSClassificationAdmin"])
    for factor in ("0", "100.01"):
        response = admin.post(
            f"{admin.base}/regelmotor",
            json={
                "@type": "bos_service_provider",
                "cvr": "25052943",
                "title": "Moms ApS",
                "vat_factor": factor,
            },
        )
        assert response.status_code == 400, factor
        assert "Momsfaktoren skal være større end 0 og højst 100 procent" in error_text(response)


def test_rate_periods_validated(http):
    admin = http("rasmus", roles=["BOSClassificationAdmin"])
    overlapping = admin.post(
        f"{admin.base}/regelmotor",
        json={
            "@type": "bos_rate",
            "key": "test_rate",
            "title": "Testtakst",
            "periods": [
                {"start_date": "2025-01-01", "end_date": "2025-08-01", "amount": "100.00"},
                {"start_date": "2025-07-01", "end_date": None, "amount": "120.00"},
            ],
        },
    )
    assert overlapping.status_code == 400
    assert "overlapper" in error_text(overlapping)
    reversed_period = admin.post(
        f"{admin.base}/regelmotor",
        json={
            "@type": "bos_rate",
            "key": "test_rate",
            "title": "Testtakst",
            "periods": [{"start_date": "2025-07-01", "end_date": "2025-01-01", "amount": "1.00"}],
        },
    )
    assert reversed_period.status_code == 400
    assert "startdatoen skal ligge før slutdatoen" in error_text(reversed_period)
