from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "minqing.people"
    label = "people"
    verbose_name = _("代表与承办单位")
