from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "minqing.duties"
    label = "duties"
    verbose_name = _("代表履职")
