"""Domain events other packages subscribe to (blinker signals).

- ``module_completed(user, module, attempt)``: sent once when a learner completes a module.
- ``attendance_recorded(attendance, actor)``: sent when attendance is set to present or late.
"""

from blinker import Namespace

_signals = Namespace()

module_completed = _signals.signal("module-completed")
attendance_recorded = _signals.signal("attendance-recorded")
