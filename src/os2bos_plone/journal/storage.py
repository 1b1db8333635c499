"""The append-only case journal and the dated case history, stored as annotations on the case.

Entries are immutable records; the log only grows."""

import json
import uuid
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from Acquisition import aq_base
from BTrees.IOBTree import IOBTree
from persistent import Persistent
from plone import api
from plone.uuid.interfaces import IUUID
from zope.annotation.interfaces import IAnnotations

from os2bos_plone.adapters.lookup import user_name
from os2bos_plone.engine import clock
from os2bos_plone.engine.money import format_machine

JOURNAL_KEY = "os2bos_plone.journal"


HISTORY_KEY = "os2bos_plone.case_history"


LOCAL_TIMEZONE = ZoneInfo("Europe/Copenhagen")


class JournalImmutableError(TypeError):
    """Raised on any attempt to change or remove a journal entry."""


MSG_IMMUTABLE = "Journalen kan kun tilføjes; en indførsel kan ikke ændres eller slettes."


def plain(value):
    """A JSON-ready copy: dates ISO strings, Decimals strings, tuples/sets lists."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _frozen_json(value):
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False)


class _Immutable:
    """Instances refuse attribute assignment and deletion once built."""

    def __setattr__(self, name, value):
        raise JournalImmutableError(MSG_IMMUTABLE)

    def __delattr__(self, name):
        raise JournalImmutableError(MSG_IMMUTABLE)


class JournalEntry(_Immutable):
    """One journal entry. Dict-valued fields are stored as JSON and read as fresh copies, so
    nothing a caller does to them reaches the stored entry."""

    def __init__(
        self,
        action,
        title,
        actor="",
        actor_name="",
        time=None,
        obj=None,
        comment="",
        amounts=None,
        letter=None,
        data=None,
        entry_id=None,
    ):
        values = {
            "id": entry_id or uuid.uuid4().hex,
            "time": time or datetime.now(UTC),
            "actor": actor or "",
            "actor_name": actor_name or actor or "",
            "action": action,
            "title": title,
            "comment": comment or "",
            "letter": letter or None,
            "_object": _frozen_json(obj or {}),
            "_amounts": _frozen_json(amounts or {}),
            "_data": _frozen_json(data or {}),
        }
        self.__dict__.update(values)

    @property
    def object(self):
        return json.loads(self._object)

    @property
    def amounts(self):
        return json.loads(self._amounts)

    @property
    def data(self):
        return json.loads(self._data)

    @property
    def local_time(self):
        """The time in Europe/Copenhagen (stored in UTC)."""
        return self.time.astimezone(LOCAL_TIMEZONE)

    def as_dict(self):
        return {
            "id": self.id,
            "time": self.time,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "action": self.action,
            "title": self.title,
            "object": self.object,
            "comment": self.comment,
            "amounts": self.amounts,
            "letter": self.letter,
            "data": self.data,
        }

    def __repr__(self):
        return f"<JournalEntry {self.action} {self.time.isoformat()} {self.title!r}>"


class HistoryRecord(_Immutable):
    """One dated change of a case field: {time, actor, field, old, new}. Dated by the product's
    clock (the municipality's day, which a job or a test may set), since the figures by year
    read it; a journal entry keeps the real moment it was written."""

    def __init__(self, field, old, new, actor="", time=None):
        self.__dict__.update(
            {
                "time": time or clock.now().astimezone(UTC),
                "actor": actor or "",
                "field": field,
                "old": plain(old),
                "new": plain(new),
            }
        )

    def as_dict(self):
        return {
            "time": self.time,
            "actor": self.actor,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


class AppendOnlyLog(Persistent):
    """A persistent sequence that can only grow: records are appended, never replaced, reordered
    or removed. Reading is by iteration (oldest first), :meth:`newest` or ``len``."""

    def __init__(self):
        Persistent.__setattr__(self, "_records", IOBTree())

    def __setattr__(self, name, value):
        if name.startswith(("_p_", "_v_")):
            return Persistent.__setattr__(self, name, value)
        raise JournalImmutableError(MSG_IMMUTABLE)

    def __delattr__(self, name):
        if name.startswith(("_p_", "_v_")):
            return Persistent.__delattr__(self, name)
        raise JournalImmutableError(MSG_IMMUTABLE)

    def append(self, record):
        records = self._records
        key = records.maxKey() + 1 if len(records) else 0
        if not records.insert(key, record):  # never overwrites
            raise JournalImmutableError(MSG_IMMUTABLE)
        return record

    def __len__(self):
        return len(self._records)

    def __iter__(self):
        return iter(self._records.values())

    def newest(self, limit=None):
        """Records newest first, at most ``limit``."""
        records = self._records
        if not len(records):
            return []
        result = []
        key = records.maxKey()
        while key >= 0 and (limit is None or len(result) < limit):
            record = records.get(key)
            if record is not None:
                result.append(record)
            key -= 1
        return result

    def _refuse(self, *args, **kwargs):
        raise JournalImmutableError(MSG_IMMUTABLE)

    __setitem__ = __delitem__ = _refuse
    insert = remove = pop = clear = extend = update = edit = delete = _refuse
    sort = reverse = replace = _refuse


def _log(case, key, create=False):
    annotations = IAnnotations(case)
    log = annotations.get(key)
    if log is None and create:
        log = annotations[key] = AppendOnlyLog()
    return log


def current_actor():
    """(user id, full name) of the user acting now."""
    user = api.user.get_current()
    if user is None:
        return "", ""
    user_id = user.getId() or user.getUserName() or ""
    return user_id, user_name(user_id)


def object_info(case, obj):
    """{uid, path (relative to the case), title, portal_type} of an object in the case."""
    if obj is None:
        return {}
    case_path = case.getPhysicalPath()
    path = obj.getPhysicalPath()
    relative = "/".join(path[len(case_path) :]) if path[: len(case_path)] == case_path else ""
    title = obj.Title() if callable(getattr(obj, "Title", None)) else getattr(obj, "title", "")
    return {
        "uid": IUUID(obj, None),
        "path": relative,
        "title": title or "",
        "portal_type": getattr(aq_base(obj), "portal_type", ""),
    }


def add_entry(case, action, title, obj=None, comment="", amounts=None, letter=None, data=None):
    """Append an entry to the case's journal and return it.

    ``amounts`` maps stable keys (see :data:`AMOUNT_LABELS`) to amounts, stored as decimal
    strings; ``letter`` is the UID of a letter File; ``data`` a plain dict (e.g. the decision
    behind a letter, enough to re-create it).
    """
    if case is None:
        raise ValueError("a journal entry needs a case")
    actor, actor_name = current_actor()
    entry = JournalEntry(
        action=action,
        title=title,
        actor=actor,
        actor_name=actor_name,
        obj=object_info(case, obj),
        comment=comment,
        amounts={key: format_machine(value) for key, value in (amounts or {}).items()},
        letter=letter,
        data=data,
    )
    return _log(case, JOURNAL_KEY, create=True).append(entry)


def entries(case, limit=None):
    """The case's journal entries, newest first (nothing is written when there are none)."""
    log = _log(case, JOURNAL_KEY)
    return log.newest(limit) if log is not None else []


def entries_total(case):
    """How many entries the case's journal holds."""
    log = _log(case, JOURNAL_KEY)
    return len(log) if log is not None else 0


def entry_by_id(case, entry_id):
    log = _log(case, JOURNAL_KEY)
    for entry in log or ():
        if entry.id == entry_id:
            return entry
    return None
