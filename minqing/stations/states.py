"""The station lifecycle: planned → active ⇄ suspended → closed."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minqing.core.states import StateTable


class StationStatus(models.TextChoices):
    PLANNED = "planned", _("筹建中")
    ACTIVE = "active", _("运行中")
    SUSPENDED = "suspended", pgettext_lazy("状态", "暂停接待")
    CLOSED = "closed", _("已撤销")


S = StationStatus
STATION_STATES = StateTable(
    name="station",
    states=StationStatus,
    initial=S.PLANNED,
    edges={
        (S.PLANNED, S.ACTIVE): "open",
        (S.PLANNED, S.CLOSED): "close",
        (S.ACTIVE, S.SUSPENDED): "suspend",
        (S.SUSPENDED, S.ACTIVE): "resume",
        (S.ACTIVE, S.CLOSED): "close",
        (S.SUSPENDED, S.CLOSED): "close",
    },
)
