"""The XML of Danmarks Statistik's two deliveries (spec 3.6): the metadata envelope and the
L201 (preventive measures) or L231 (children with disabilities) elements."""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version

from lxml import etree

from os2bos_plone.engine.dst import HANDICAP
from os2bos_plone.engine.dst import form_id
from os2bos_plone.engine.dst import period_of

NS = "http://rep.oio.dk/dst.dk/xml/schemas/2010/04/16/"
NS_ENVELOPE = "http://rep.oio.dk/dst.dk/xml/schemas/2002/06/28/"
NSMAP = {None: NS, "dst": NS_ENVELOPE}

ROOTS = {
    "preventive": ("UdsatteBoernOgUngeLeveranceL201U1Struktur", "ForanstaltningStrukturSamling"),
    HANDICAP: ("BoernMedHandicapLeveranceL231Struktur", "BoernMedHandicapSagStrukturSamling"),
}
SOURCE = "CEMOS"
SURVEY_ID = "D280600"
ENTITY_TYPE = "Kommune"
COMMUNICATION = "Oprettelse på lokal server"
SYSTEM_NAME = "OS2BOS Plone"
FORM_VERSION = "1"
CONTACTS = (
    ("Faglig ansvarlig", "dst_subject_name", "dst_subject_email"),
    ("Teknisk ansvarlig", "dst_technical_name", "dst_technical_email"),
    ("Kvitteringsmodtager", "dst_receipt_name", "dst_receipt_email"),
)


def _system_version():
    try:
        return version("os2bos_plone")[:20]
    except PackageNotFoundError:  # pragma: no cover - the add-on is installed
        return "1.0"


def _sub(parent, name, text=None, ns=NS):
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def metadata(parent, kind, test, settings, now):
    meta = _sub(parent, "DeliveryMetadataNewStructure")
    envelope = _sub(meta, "Envelope", ns=NS_ENVELOPE)
    _sub(envelope, "Source", SOURCE, NS_ENVELOPE)
    _sub(envelope, "SurveyID", SURVEY_ID, NS_ENVELOPE)
    _sub(envelope, "FormID", form_id(kind, test), NS_ENVELOPE)
    year, month = period_of(now.date())
    _sub(envelope, "Period", f"{year}M{month:02d}", NS_ENVELOPE)
    entity = _sub(envelope, "Entity", ns=NS_ENVELOPE)
    _sub(entity, "EntityIDType", ENTITY_TYPE, NS_ENVELOPE)
    _sub(entity, "EntityID", settings.municipality_number, NS_ENVELOPE)
    communicators = _sub(meta, "CommunicatorStructureCollection")
    communicator = _sub(communicators, "CommunicatorStructure")
    _sub(communicator, "CommunicationDescription", COMMUNICATION)
    _sub(communicator, "CommunicationDateTime", now.strftime("%Y-%m-%dT%H:%M:%S"))
    system = _sub(communicator, "SystemStructure")
    _sub(system, "SystemName", SYSTEM_NAME)
    _sub(system, "SystemVersion", _system_version())
    contacts = _sub(meta, "ContactStructureCollection")
    for title, name_field, email_field in CONTACTS:
        contact = _sub(contacts, "ContactStructure")
        _sub(contact, "ContactTypeName", title)
        _sub(contact, "ContactIdentifier", getattr(settings, name_field)[:100])
        _sub(contact, "ContactEmailAddress", getattr(settings, email_field))
    dboks = _sub(meta, "DBoksContactNewStructure")
    _sub(dboks, "CVRnumberIdentifier", settings.cvr_number)
    _sub(dboks, "ProductionUnitIdentifier", settings.p_number)
    _sub(meta, "FormVersion", FORM_VERSION)
    return meta


def _preventive(parent, record):
    element = _sub(parent, "ForanstaltningStruktur")
    _sub(element, "UdsatBarnCPRidentifikator", record.child_cpr)
    _sub(element, "FormynderCPRidentifikator", record.parent_cpr)
    _sub(element, "ForanstaltningId", record.id)
    _sub(element, "ForanstaltningKode", record.code)
    _sub(element, "ForanstaltningStartDato", record.start.isoformat())
    if record.end is not None:
        _sub(element, "ForanstaltningSlutDato", record.end.isoformat())


def _handicap(parent, record):
    element = _sub(parent, "BoernMedHandicapSagStruktur")
    _sub(element, "INDSATSFORLOEB_ID", record.id[:50])
    _sub(element, "INDBERETNINGSTYPE", record.report_type)
    _sub(element, "CPR", record.child_cpr)
    _sub(element, "INDSATS_KODE", record.code)
    _sub(element, "INDSATS_STARTDATO", record.start.isoformat())
    if record.end is not None:
        _sub(element, "INDSATS_SLUTDATO", record.end.isoformat())
    if record.case_worker:
        _sub(element, "SAGSBEHANDLER", record.case_worker)


def delivery(kind, records, test, settings, now):
    """The delivery as UTF-8 bytes with an XML declaration."""
    root_name, collection_name = ROOTS[kind]
    root = etree.Element(f"{{{NS}}}{root_name}", nsmap=NSMAP)
    metadata(root, kind, test, settings, now)
    collection = _sub(root, collection_name)
    write = _handicap if kind == HANDICAP else _preventive
    for record in records:
        write(collection, record)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
