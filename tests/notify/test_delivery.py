"""notify(): inbox rows, e-mail copies through the task, mark_read, unread_count."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy

from minqing.core.models import AuditEntry
from minqing.notify import delivery
from minqing.notify.models import Notification
from minqing.notify.tasks import send_notification_emails
from tests.factories import UserFactory
from tests.notify.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_recipient_and_emails_those_with_an_address(settings):
    settings.MINQING_PUBLIC_URL = "https://mq.example.cn"
    with_email = UserFactory(email="leader@example.cn")
    without_email = UserFactory(email="")
    audit_before = AuditEntry.objects.count()

    delivery.notify(
        [with_email, without_email],
        verb="opinion.overdue",
        title="民情件 MQ7K 已超期",
        body="请在今日内答复。",
        url="/opinions/7/",
    )

    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient, n.verb, n.title, n.url) for n in rows] == [
        (with_email, "opinion.overdue", "民情件 MQ7K 已超期", "/opinions/7/"),
        (without_email, "opinion.overdue", "民情件 MQ7K 已超期", "/opinions/7/"),
    ]
    assert all(n.read_at is None for n in rows)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["leader@example.cn"]
    assert "民情件 MQ7K 已超期" in message.subject
    assert "请在今日内答复。" in message.body
    assert "https://mq.example.cn/opinions/7/" in message.body
    emailed = dict(rows.values_list("recipient_id", "emailed_at"))
    assert emailed[with_email.pk] is not None
    assert emailed[without_email.pk] is None
    # Infrastructure, not a workflow action: the caller's action is what gets audited.
    assert AuditEntry.objects.count() == audit_before


def test_notify_skips_inactive_users_and_deduplicates():
    alice = UserFactory(email="alice@example.cn")
    gone = UserFactory(email="gone@example.cn", is_active=False)

    delivery.notify([alice, gone, alice, None], verb="opinion.reply", title="您的民情件有新答复")

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [alice.pk]
    assert [m.to for m in mail.outbox] == [["alice@example.cn"]]


def test_notify_writes_rows_in_one_bulk_insert(django_assert_num_queries, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    users = [UserFactory(email="") for _ in range(5)]
    # Savepoint, one INSERT, release: no e-mail task to enqueue.
    with django_assert_num_queries(3):
        delivery.notify(users, verb="opinion.overdue", title="超期提醒")
    assert Notification.objects.count() == 5


def test_notify_with_nobody_to_tell_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        delivery.notify([UserFactory.build(is_active=False)], verb="x.y", title="t")
    assert not Notification.objects.exists()


def test_notify_drops_a_url_that_leaves_the_site(caplog):
    user = UserFactory()
    for url in ["//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil"]:
        with caplog.at_level(logging.WARNING, logger="minqing.notify.delivery"):
            delivery.notify([user], verb="opinion.reply", title="t", url=url)
    assert set(Notification.objects.values_list("url", flat=True)) == {""}
    assert "dropped a url" in caplog.text


def test_notify_accepts_lazy_strings():
    delivery.notify(
        [UserFactory()],
        verb="opinion.reply",
        title=gettext_lazy("通知"),
        url=reverse_lazy("core:home"),
    )
    n = Notification.objects.get()
    assert (n.title, n.url) == ("通知", reverse("core:home"))


def test_notify_cuts_a_long_title():
    delivery.notify([UserFactory()], verb="opinion.reply", title="长" * 300)
    assert len(Notification.objects.get().title) == 200


def test_notify_rolled_back_with_the_callers_transaction(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = UserFactory(email="a@example.cn")
    with pytest.raises(RuntimeError), transaction.atomic():
        delivery.notify([user], verb="opinion.reply", title="t")
        raise RuntimeError
    assert not Notification.objects.exists()


def test_email_task_sends_each_notification_once():
    user = UserFactory(email="a@example.cn")
    delivery.notify([user], verb="opinion.reply", title="t")
    assert len(mail.outbox) == 1
    # A retried task (the worker died after sending) does not send it again.
    send_notification_emails.enqueue(notification_ids=[Notification.objects.get().pk])
    assert len(mail.outbox) == 1


def test_email_failure_is_logged_without_the_address(settings, caplog, monkeypatch):
    user = UserFactory(email="secret-person@example.cn")

    def boom(self, messages):
        raise OSError("could not deliver to secret-person@example.cn")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", boom)
    with caplog.at_level(logging.WARNING, logger="minqing.notify.tasks"):
        delivery.notify([user], verb="opinion.reply", title="t")
    assert Notification.objects.get().emailed_at is None
    assert "e-mail failed" in caplog.text
    assert "secret-person" not in caplog.text


def test_mark_read_some_all_and_never_another_users():
    me, other = UserFactory(), UserFactory()
    mine = NotificationFactory.create_batch(3, recipient=me)
    theirs = NotificationFactory(recipient=other)

    assert delivery.unread_count(me) == 3
    assert delivery.mark_read(me, [mine[0].pk, theirs.pk]) == 1
    assert delivery.unread_count(me) == 2
    assert delivery.unread_count(other) == 1
    assert delivery.mark_read(me, None) == 2
    assert delivery.unread_count(me) == 0
    assert delivery.mark_read(me, None) == 0  # already read stays as first read
    theirs.refresh_from_db()
    assert theirs.read_at is None
