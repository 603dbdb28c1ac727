"""Factories for notify tests, on top of tests/factories.py."""

from __future__ import annotations

import factory

from minqing.notify.models import Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    verb = "opinion.overdue"
    title = factory.Sequence(lambda n: f"民情件已超期 {n}")
    body = "请尽快处理。"
    url = factory.Sequence(lambda n: f"/opinions/{n}/")
