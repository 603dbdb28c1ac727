from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "minqing.people"
    label = "people"
    verbose_name = "代表与承办单位"
