"""Interchange of the classification (regelmotor) data: rows, workbooks and OS2BOS fixtures.

Plain Python: nothing here imports Plone or Zope. The interchange format is "rows": for each
kind (``sections``, ``services``, ``rates`` ...) a list of plain dicts, exactly as in the seed
JSON files of ``os2bos_plone/data/seed/``. The Plone side reads rows from a site and applies
rows to it; this package normalises, validates and compares rows
(:mod:`~os2bos_plone.interchange.rows`), converts them to and from an Excel workbook
(:mod:`~os2bos_plone.interchange.workbook`) and reads an OS2BOS installation's fixture files
(:mod:`~os2bos_plone.interchange.os2bos`).

A typical import::

    rows, errors = read_workbook(data)              # or read_os2bos_fixtures(directory)
    report = diff_rows(current_rows, rows)
    problems = validate_rows(rows, existing_keys=row_keys(current_rows),
                             only=report.changed_keys())
    if not errors and not problems and not report.is_empty:
        ...apply report.kinds[kind].rows (added and changed rows, per kind in KINDS order)
"""
