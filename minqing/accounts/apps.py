from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minqing.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
