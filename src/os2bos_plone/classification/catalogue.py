""""""

from os2bos_plone.classification.reader import by_key


class ContentCatalogueRules:
    """Which services a section allows, read from the service rows (by section key)."""

    def __init__(self):
        self._services = {}

    def _service(self, service_id):
        if service_id not in self._services:
            self._services[service_id] = by_key("bos_service", service_id)
        return self._services[service_id]

    def _row(self, section_key, service_id):
        service = self._service(service_id)
        for row in getattr(service, "sections", None) or []:
            if row.get("section") == section_key:
                return service, row
        return service, None

    def allowed_as_main(self, section_key, service_id):
        _service, row = self._row(section_key, service_id)
        return bool(row and row.get("main"))

    def allowed_as_supplementary(self, section_key, service_id, main_service_id):
        service, row = self._row(section_key, service_id)
        if not (row and row.get("supplementary")):
            return False
        return main_service_id in set(service.follows_main_services or [])
