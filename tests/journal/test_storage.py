"""The journal's storage: append-only, immutable entries, newest first."""

import pickle

import pytest

from os2bos_plone.journal import storage as journal
from os2bos_plone.journal.storage import JOURNAL_KEY
from os2bos_plone.journal.storage import AppendOnlyLog
from os2bos_plone.journal.storage import JournalEntry
from os2bos_plone.journal.storage import JournalImmutableError
from os2bos_plone.journal.storage import add_entry
from os2bos_plone.journal.storage import entries
from os2bos_plone.journal.storage import entries_total
from tests.builders import make_case


def test_log_only_grows():
    log = AppendOnlyLog()
    first = log.append(JournalEntry("a", "Første"))
    second = log.append(JournalEntry("b", "Anden"))
    assert len(log) == 2
    assert list(log) == [first, second]
    assert log.newest() == [second, first]
    assert log.newest(1) == [second]
    for attempt in (
        lambda: log.__setitem__(0, second),
        lambda: log.__delitem__(0),
        lambda: log.pop(),
        lambda: log.remove(first),
        lambda: log.clear(),
        lambda: log.insert(0, second),
        lambda: log.extend([second]),
        lambda: setattr(log, "_records", None),
        lambda: delattr(log, "_records"),
    ):
        with pytest.raises(JournalImmutableError):
            attempt()
    assert list(log) == [first, second]


def test_entry_is_immutable_and_hands_out_copies():
    entry = JournalEntry(
        "payment_paid", "Betalt", amounts={"paid_amount": "10.00"}, data={"x": [1]}
    )
    with pytest.raises(JournalImmutableError):
        entry.title = "Ændret"
    with pytest.raises(JournalImmutableError):
        del entry.comment
    entry.amounts["paid_amount"] = "0.00"
    entry.data["x"].append(2)
    assert entry.amounts == {"paid_amount": "10.00"}
    assert entry.data == {"x": [1]}


def test_entry_survives_pickling():
    entry = JournalEntry("a", "Titel", actor="anne", amounts={"total": "1.00"})
    copy = pickle.loads(pickle.dumps(entry, protocol=3))
    assert copy.as_dict() == entry.as_dict()
    with pytest.raises(JournalImmutableError):
        copy.title = "x"


def test_add_entry_and_read_newest_first(manager):
    case = make_case(manager)
    before = entries_total(case)
    add_entry(case, "note_a", "Første indførsel", amounts={"total": 1234.5})
    add_entry(case, "note_b", "Anden indførsel", comment="Kommentar", obj=case)
    newest = entries(case)
    assert [e.action for e in newest[:2]] == ["note_b", "note_a"]
    assert entries_total(case) == before + 2
    assert len(entries(case, limit=1)) == 1
    entry = newest[1]
    assert entry.amounts == {"total": "1234.50"}
    assert entry.actor == "test_user_1_"
    assert entry.time.tzinfo is not None
    assert entry.local_time.tzinfo.key == "Europe/Copenhagen"
    assert len(entry.id) == 32
    assert newest[0].object["path"] == ""
    assert newest[0].object["portal_type"] == "bos_case"


def test_manager_cannot_change_the_journal(manager):
    from zope.annotation.interfaces import IAnnotations

    case = make_case(manager)
    add_entry(case, "note", "Indførsel")
    log = IAnnotations(case)[JOURNAL_KEY]
    with pytest.raises(JournalImmutableError):
        log[0] = JournalEntry("x", "Forfalsket")
    with pytest.raises(JournalImmutableError):
        del log[0]
    with pytest.raises(JournalImmutableError):
        entries(case)[0].title = "Forfalsket"
    assert not hasattr(journal, "delete_entry")
    assert not hasattr(journal, "edit_entry")
    assert entries(case)[0].title == "Indførsel"


def test_reading_writes_nothing(manager):
    from zope.annotation.interfaces import IAnnotations

    case = make_case(manager)
    IAnnotations(case)  # a new case has its creation entry
    assert entries(manager["sager"]) == []
