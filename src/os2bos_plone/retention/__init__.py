"""What was decided, paid or journaled is kept: deletion of cases, appropriations and activities.

Only drafts go: an activity that is not a draft or has a paid payment, an appropriation holding
one, and a case with journal entries, letters or such activities are never deleted, whatever the
door (REST DELETE, the Classic UI, a script) and whoever asks, Manager included. A case is closed
instead. (Deletion after the retention period is a deliberate job, not a button.) The one
exception is the grant itself: an activity an expected adjustment supersedes entirely is
removed by the grant that merges it (decisions.grant), marked ``bos_superseded_by`` first.
"""
