from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "minqing.opinions"
    label = "opinions"
    verbose_name = _("民情办理")
