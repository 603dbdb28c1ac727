"""Forms of the account pages: every message in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minqing.accounts.models import Role, User
from minqing.accounts.selectors import users_covered
from minqing.core import codes
from minqing.core.models import Region
from minqing.core.permissions import scope

REQUIRED = {"required": _("此项为必填项")}


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=150)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        error_messages=REQUIRED,
        help_text=_("如：12345热线对接"),
    )
    username = forms.CharField(
        label=_("代表的用户（用户名）"),
        max_length=150,
        required=False,
        help_text=_("令牌以该用户的身份和权限访问接口；留空为您本人"),
    )
    expires_on = forms.DateField(
        label=_("到期日期"),
        required=False,
        error_messages={"invalid": _("日期格式应为 2027-01-31")},
        help_text=_("留空为长期有效；建议设置到期日"),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        if not username or username == self.actor.get_username():
            return self.actor
        user = (
            users_covered(self.actor, "accounts.manage_tokens")
            .filter(username=username, is_active=True)
            .first()
        )
        if user is None:
            raise ValidationError(_("用户不存在，或其权限超出您的管理范围"))
        return user

    def clean_expires_on(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        if day <= timezone.localdate():
            raise ValidationError(_("到期日期须晚于今天"))
        # Valid through the whole chosen day, local time.
        return dt.datetime.combine(
            day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
        )


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, error_messages=REQUIRED)
    region = forms.CharField(
        label=_("区域代码"),
        max_length=24,
        required=False,
        help_text=_("角色覆盖该区域及其全部下级；限定到承办单位或联络站时可留空"),
    )
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=None,
        required=False,
        help_text=_("仅承办单位工作人员：限定到一个承办单位（必选）"),
    )
    station = forms.CharField(
        label=_("联络站站点码"),
        max_length=20,
        required=False,
        help_text=_("仅联络站工作人员：限定到一个联络站（可选）"),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        from minqing.people.models import HandlingUnit

        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].error_messages["invalid_choice"] = _("角色无效")
        units = scope(HandlingUnit.objects.select_related("region"), actor, "accounts.manage_users")
        self.fields["unit"].queryset = units.order_by("region__path", "name")
        self.fields["unit"].error_messages["invalid_choice"] = _("承办单位无效或不在您的管理范围内")
        self.fields["unit"].label_from_instance = lambda u: f"{u.region.name} · {u.name}"

    def clean_station(self):
        from minqing.stations.models import Station

        raw = self.cleaned_data["station"].strip()
        if not raw:
            return None
        station = (
            scope(Station.objects.select_related("region"), self.actor, "accounts.manage_users")
            .filter(code=codes.normalise(raw))
            .first()
        )
        if station is None:
            raise ValidationError(_("联络站不存在或不在您的管理范围内"))
        return station

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, station = data.get("unit"), data.get("station")
        code = (data.get("region") or "").strip()
        if unit is not None:
            data["region"] = unit.region
        elif station is not None:
            data["region"] = station.region
        elif not code:
            self.add_error("region", _("请填写区域代码"))
        else:
            region = scope(Region.objects.all(), self.actor, "accounts.manage_users")
            found = region.filter(code=code).first()
            if found is None:
                self.add_error("region", _("区域不存在或不在您的管理范围内"))
            data["region"] = found
        return data
