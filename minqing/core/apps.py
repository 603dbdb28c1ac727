from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minqing.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from minqing.core import ratelimit  # noqa: F401 — registers its system checks
