"""Classification lookups leave Plone's indexing queue alone unless they need it processed.

A catalog search normally processes the whole indexing queue first. Saves and grants look up
providers, rates, levels and rules many times while the objects being saved wait in the queue;
processing it at each lookup catalogued them several times per transaction (benchmarks/,
docs/performance.md).
"""

from plone import api
from plone.dexterity.utils import createContentInContainer
from Products.CMFCore.indexing import getQueue

from os2bos_plone.classification.reader import approval_levels
from os2bos_plone.classification.reader import by_key
from os2bos_plone.classification.reader import by_uid
from os2bos_plone.classification.reader import regelmotor


def _regelmotor():
    return regelmotor()


def test_lookups_do_not_process_the_queue_for_other_content(manager):
    service = by_key("bos_service", "100206")
    document = api.content.create(container=manager, type="Document", id="venter", title="x")
    assert getQueue().length() > 0
    waiting = getQueue().length()
    assert by_uid(service.UID()).service_id == "100206"
    assert by_key("bos_rate", "kost_logi_under_10") is not None
    assert approval_levels()
    assert getQueue().length() == waiting
    # An ordinary search still sees the new document.
    assert api.content.find(UID=document.UID())


def test_a_classification_item_changed_in_this_transaction_is_found(manager):
    new = createContentInContainer(
        _regelmotor(),
        "bos_service",
        checkConstraints=False,
        service_id="999001",
        title="Ny ydelse",
        sections=[],
    )
    assert by_key("bos_service", "999001").UID() == new.UID()
    new.service_id = "999002"
    new.reindexObject()
    assert by_key("bos_service", "999002").UID() == new.UID()
    assert by_key("bos_service", "999001") is None


def test_by_uid_of_objects_created_or_removed_in_this_transaction(manager):
    document = api.content.create(container=manager, type="Document", id="ny", title="Ny")
    uid = document.UID()
    by_key("bos_service", "100206")  # no flush
    assert by_uid(uid).getId() == "ny"
    api.content.create(container=manager, type="Document", id="anden", title="Anden")
    api.content.delete(obj=document)
    assert by_uid(uid) is None
    assert by_uid("") is None


def test_approval_levels_are_read_once_per_transaction_and_again_after_a_change(manager):
    """The levels every guard asks for are remembered for the transaction; adding, editing or
    removing a level in it is seen by the next question, and the next transaction reads anew."""
    import transaction
    from zope.event import notify
    from zope.lifecycleevent import ObjectModifiedEvent

    before = {level.key: level for level in approval_levels()}
    assert approval_levels() == list(before.values())
    level = by_key("bos_approval_level", "teamleder")
    level.rank = 99
    notify(ObjectModifiedEvent(level))
    assert {lvl.key: lvl.rank for lvl in approval_levels()}["teamleder"] == 99
    assert approval_levels()[-1].key == "teamleder"  # sorted by rank

    added = createContentInContainer(
        _regelmotor(),
        "bos_approval_level",
        checkConstraints=False,
        key="ny_leder",
        title="Ny leder",
        rank=5,
        role="BOSTeamLeader",
    )
    assert "ny_leder" in {lvl.key for lvl in approval_levels()}
    api.content.delete(added)
    assert "ny_leder" not in {lvl.key for lvl in approval_levels()}
    transaction.abort()
    assert {lvl.key: lvl.rank for lvl in approval_levels()} == {
        key: lvl.rank for key, lvl in before.items()
    }
