"""Events the application lifecycle sends to other packages (blinker signals).

The workflow changes status and sends these; it imports none of their receivers. Receivers are
connected when the app is created (each feature's blueprint ``record_once``) and run inside
the workflow's transaction, in the order below: whatever they write commits or rolls back with
the status change, and an exception in one refuses the whole change.

- ``application_approved`` (sender: the Application; ``actor``: the approver). The permits
  package issues the permit.
- ``status_changed`` (sender: the Application; ``audit``: the AuditEvent of the change). The
  applications feature's notification rules (notify.py) queue emails and notices through the
  outbox; on approval this runs after the permit is issued, so the email can name it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

application_approved = _signals.signal("application-approved")
status_changed = _signals.signal("application-status-changed")
