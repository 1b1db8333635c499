"""Who looked at which child: the read audit log (GDPR, Datatilsynet).

Reads happen on GET, where writing to the ZODB is wrong (plone.protect refuses it, and one object
every read touches would be a conflict hot spot). The log is kept outside the ZODB instead:
append-only JSON lines, one file per day and per process, written by one background thread
(:mod:`.log`). The CPR number itself is never written: an entry names the case by UID and SBSYS id.
"""
