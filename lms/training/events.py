"""Domain events of the training package (blinker signals) that other packages listen to.

- ``attendance_closed(sender, session_id=, actor_id=)``: a session's attendance was closed
  (by an officer, or automatically once due). The certificates package issues the session's
  attendance certificates then, once.
- ``closed_attendance_changed(sender, attendance_id=, before=, after=, reason=, actor_id=)``:
  a status changed after closing (officers only, with a reason). The certificates package
  revokes the certificate when the status stops counting, and issues one when it starts.

Both are sent inside the sender's transaction; the sender commits.
"""

from blinker import Namespace

_signals = Namespace()

attendance_closed = _signals.signal("attendance-closed")
closed_attendance_changed = _signals.signal("closed-attendance-changed")
