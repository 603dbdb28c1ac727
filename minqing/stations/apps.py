from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "minqing.stations"
    label = "stations"
    verbose_name = "代表联络站"
