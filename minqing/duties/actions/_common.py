"""Private helpers shared by the duty actions. Nothing here writes an audit entry; the
calling action does, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.duties.models import Activity, ActivityFile, ActivityFileKind
from minqing.opinions.actions._common import notify_later
from minqing.opinions.validation import normalise_text

__all__ = [
    "deputy_accounts",
    "lock",
    "notify_later",
    "store_files",
    "text",
    "today",
]


def today() -> dt.date:
    return timezone.localdate()


def lock(obj):
    """Re-read ``obj`` under a row lock so concurrent steps serialise."""
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)


def text(
    value: str, *, label: str, required: bool = True, minimum: int = 2, maximum: int = 2000
) -> str:
    """Normalised text with a Chinese message naming the field when it is too short or
    too long."""
    value = normalise_text(value or "")
    if not value and not required:
        return ""
    if len(value) < minimum:
        raise ValidationError(
            _("请填写%(label)s（至少 %(n)s 个字）") % {"label": label, "n": minimum}
        )
    if len(value) > maximum:
        raise ValidationError(
            _("%(label)s不能超过 %(max)s 个字（现在 %(n)s 个字）")
            % {"label": label, "max": maximum, "n": len(value)}
        )
    return value


def store_files(activity: Activity, files: Iterable, *, kind: str) -> list[ActivityFile]:
    """Save validated uploads (``opinions.uploads.CleanImage``/``CleanFile``) under random
    names."""
    from minqing.opinions.uploads import save_clean

    fallback = _("活动照片") if kind == ActivityFileKind.PHOTO else _("活动报告")
    return [
        save_clean(ActivityFile, item, fallback_name=fallback, activity=activity, kind=kind)
        for item in files
    ]


def deputy_accounts(deputies: Iterable) -> Callable[[], list]:
    """The active accounts of ``deputies`` (read after commit)."""
    ids = [d.pk for d in deputies]

    def users() -> list:
        from minqing.people.models import Deputy

        return [
            d.user
            for d in Deputy.objects.filter(pk__in=ids, user__isnull=False).select_related("user")
            if d.user.is_active
        ]

    return users
