"""Shared builders for case tests over REST."""


def uid_of(session, path):
    response = session.get(f"{session.base}/{path}")
    assert response.status_code == 200, response.text
    return response.json()["UID"]


def create_case(session, sbsys_id="27.24.00-G01-1-25", **fields):
    data = {
        "@type": "bos_case",
        "sbsys_id": sbsys_id,
        "cpr_number": "010118-1234",
        "title": "Alma Andersen",
        "target_group": "familie",
        "district": fields.pop("district", None) or "nord",
        "effort_step": 3,
        "scaling_step": 5,
        "paying_municipality": "151",
        "acting_municipality": "151",
        "residence_municipality": "151",
    }
    data.update(fields)
    response = session.post(f"{session.base}/sager", json=data)
    assert response.status_code == 201, response.text
    return response.json()


def create_appropriation(session, case_url, sbsys_id="27.24.00-G01-1-25-01", section="BL-32-1.5"):
    section_uid = uid_of(session, f"regelmotor/{section.lower()}")
    response = session.post(
        case_url,
        json={"@type": "bos_appropriation", "sbsys_id": sbsys_id, "section": section_uid},
    )
    assert response.status_code == 201, response.text
    return response.json()


def service_uid(session, service_id):
    return uid_of(session, f"regelmotor/ydelse-{service_id}")


def create_activity(session, appropriation_url, expect=201, **fields):
    response = session.post(appropriation_url, json={"@type": "bos_activity", **fields})
    assert response.status_code == expect, response.text
    return response.json()
