"""Catalog metadata read as rows, without making a brain or waking an object per row."""


def metadata_rows(catalog, portal_type, columns):
    """(path, values) for every catalogued object of ``portal_type``: ``values`` are the
    ``columns``' metadata in order, None for an empty or missing value.

    Reads the catalog's metadata table directly (rids from the ``portal_type`` index, records
    from ``Catalog.data``), which is about twice as fast as making a brain per object; falls
    back to brains if the catalog is not laid out that way. Nothing is woken either way.
    """
    inner = getattr(catalog, "_catalog", None)
    try:
        catalog.getCounter()  # process the indexing queue, as a search would
        index = inner.getIndex("portal_type")._index
        schema = inner.schema
        data = inner.data
        paths = inner.paths
    except (AttributeError, KeyError):
        inner = None
    if inner is None:
        for brain in catalog.unrestrictedSearchResults(portal_type=portal_type):
            yield brain.getPath(), tuple(_value(brain, name) for name in columns)
        return
    rids = index.get(portal_type)
    if rids is None:
        return
    if isinstance(rids, int):
        rids = (rids,)
    positions = [schema.get(name) for name in columns]
    for rid in rids:
        record = data[rid]
        yield (
            paths[rid],
            tuple(None if position is None else clean(record[position]) for position in positions),
        )


def clean(value):
    # Missing.Value (a column added after the object was indexed) and "" count as no value.
    if value is None or value == "" or type(value).__name__ == "Missing":
        return None
    return value


def _value(brain, name):
    return clean(getattr(brain, name, None))
