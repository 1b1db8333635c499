"""The case journal: append-only entries, their types, the dated case history and the subscribers
that write them.

The storage classes are re-exported here because journals written before the domain packages
(up to 9b47680) pickled them as ``os2bos_plone.journal.<class>``.
"""

from os2bos_plone.journal.storage import AppendOnlyLog  # noqa: F401
from os2bos_plone.journal.storage import HistoryRecord  # noqa: F401
from os2bos_plone.journal.storage import JournalEntry  # noqa: F401
