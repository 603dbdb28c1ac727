"""Duty actions (履职): every write of the app. See each module's docstring."""

from minqing.duties.actions.activities import *  # noqa: F403
from minqing.duties.actions.activities import __all__ as _activities
from minqing.duties.actions.points import *  # noqa: F403
from minqing.duties.actions.points import __all__ as _points
from minqing.duties.actions.reception import *  # noqa: F403
from minqing.duties.actions.reception import __all__ as _reception
from minqing.duties.actions.reports import *  # noqa: F403
from minqing.duties.actions.reports import __all__ as _reports

__all__ = [*_activities, *_points, *_reception, *_reports]
