"""The payment and case reports (spec 3.4): rows produced one appropriation at a time and
written as CSV or XLSX without holding the report in memory (REST downloads, nightly files)."""
