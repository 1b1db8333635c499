"""The classification is edited through the web: its add and edit forms render in Danish."""

import pytest


@pytest.mark.parametrize(
    "path,expected",
    [
        ("regelmotor/edit", ["Godkendelsesregler", "Målgrupper", "Kommuner", "datagridwidget"]),
        ("regelmotor/++add++bos_section", ["Nøgle", "Tilladte målgrupper"]),
        ("regelmotor/++add++bos_service", ["Ydelses-id", "Paragraffer", "datagridwidget"]),
        ("regelmotor/++add++bos_rate", ["Perioder", "Fra (inkl.)"]),
        ("regelmotor/++add++bos_service_provider", ["CVR-nummer", "Momsfaktor (procent)"]),
        ("regelmotor/++add++bos_approval_level", ["Rang", "Besluttende rolle"]),
        ("regelmotor/ydelse-100206/edit", ["BL-32-1.5", "datagridwidget"]),
        ("regelmotor", ["Paragraffer", "Godkendelsesregler", "Eksportér klassifikationen"]),
        ("regelmotor?kind=services", ["100206", "Familiebehandling"]),
        ("regelmotor/@@bos-classification-import", ["Importér"]),
    ],
)
def test_form_renders(http, path, expected):
    admin = http("rasmus", roles=["BOSClassificationAdmin"])
    response = admin.get(
        f"{admin.base}/{path}", headers={"Accept": "text/html", "Accept-Language": "da"}
    )
    assert response.status_code == 200, response.text[:2000]
    for text in expected:
        assert text in response.text, text


def test_export_downloads_workbook(http):
    reader = http("signe", roles=["BOSCaseWorker"])
    response = reader.get(
        f"{reader.base}/regelmotor/@@bos-classification-export", headers={"Accept": "*/*"}
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "regelmotor-" in response.headers["Content-Disposition"]
