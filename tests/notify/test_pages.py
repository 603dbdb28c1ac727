"""/notify/: everyone's own inbox and nobody else's; read marks; no open redirect."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minqing.notify.models import Notification
from tests.factories import UserFactory
from tests.notify.factories import NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.notify.urls")]

INBOX = "/notify/"


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.fixture
def me(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_url_names():
    assert reverse("notify:inbox") == INBOX
    assert reverse("notify:read_all") == "/notify/read-all/"
    assert reverse("notify:read", args=[7]) == "/notify/7/read/"


def test_anonymous_is_sent_to_login(client):
    n = NotificationFactory()
    assert_login_redirect(client.get(INBOX))
    assert_login_redirect(client.post(reverse("notify:read_all")))
    assert_login_redirect(client.post(reverse("notify:read", args=[n.pk])))
    n.refresh_from_db()
    assert n.read_at is None


def test_inbox_shows_only_my_notifications_newest_first(client, me):
    now = timezone.now()
    old = NotificationFactory(
        recipient=me, title="较早的通知", created_at=now - dt.timedelta(days=2)
    )
    new = NotificationFactory(recipient=me, title="最新的通知", created_at=now)
    NotificationFactory(title="别人的通知")

    response = client.get(INBOX)

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [new, old]
    assert "别人的通知" not in response.content.decode()


def test_unread_are_highlighted_and_filterable(client, me):
    NotificationFactory(recipient=me, title="未读一条")
    NotificationFactory(recipient=me, title="已读一条", read_at=timezone.now())

    html = client.get(INBOX).content.decode()
    assert html.count("notify-unread") == 1
    assert html.index("notify-unread") < html.index("未读一条")

    response = client.get(INBOX, {"unread": "1"})
    assert [n.title for n in response.context["page_obj"]] == ["未读一条"]


def test_an_item_posts_to_its_read_url_and_lands_on_its_link(client, me):
    n = NotificationFactory(recipient=me, url="/stations/12/")
    html = client.get(INBOX).content.decode()
    assert f'action="{reverse("notify:read", args=[n.pk])}"' in html

    response = client.post(reverse("notify:read", args=[n.pk]))

    assert response.status_code == 302 and response.url == "/stations/12/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_another_users_notification_is_404_and_stays_unread(client, me):
    theirs = NotificationFactory()
    assert client.post(reverse("notify:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notify:read", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_is_post_only(client, me):
    n = NotificationFactory(recipient=me)
    assert client.get(reverse("notify:read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notify:read_all")).status_code == 405


@pytest.mark.parametrize(
    "url", ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_foreign_url_is_neither_linked_nor_followed(client, me, url):
    # Stored directly: notify() itself already drops such urls.
    n = NotificationFactory(recipient=me, title="可疑链接", url=url)

    html = client.get(INBOX).content.decode()
    assert "evil.example" not in html and "javascript:" not in html
    # Still markable as read, from a button of its own.
    assert f'action="{reverse("notify:read", args=[n.pk])}"' in html

    response = client.post(reverse("notify:read", args=[n.pk]))
    assert response.status_code == 302 and response.url == INBOX
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read_marks_mine_only(client, me):
    NotificationFactory.create_batch(3, recipient=me)
    theirs = NotificationFactory()

    response = client.post(reverse("notify:read_all"), follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "已将 3 条通知标为已读。" in response.content.decode()


def test_posts_need_the_csrf_token():
    user = UserFactory()
    n = NotificationFactory(recipient=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("notify:read_all")).status_code == 403
    assert client.post(reverse("notify:read", args=[n.pk])).status_code == 403
    n.refresh_from_db()
    assert n.read_at is None
    assert 'name="csrfmiddlewaretoken"' in client.get(INBOX).content.decode()


def test_inbox_is_paginated(client, me):
    NotificationFactory.create_batch(51, recipient=me)
    first = client.get(INBOX)
    assert len(first.context["page_obj"]) == 50
    assert len(client.get(INBOX, {"page": 2}).context["page_obj"]) == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_inbox_query_count_does_not_grow(client, me, django_assert_num_queries, rows):
    NotificationFactory.create_batch(rows, recipient=me)
    NotificationFactory.create_batch(rows)  # other people's, never loaded
    # session, user, nav role grants, COUNT for the paginator, the page of rows
    with django_assert_num_queries(5):
        response = client.get(INBOX)
    assert len(response.context["page_obj"]) == rows


def test_badge_fragment_counts_unread(client, me, django_assert_num_queries):
    """The navbar bell loads its count with htmx after the page, so no staff page pays
    for the COUNT (their query pins stay put)."""
    NotificationFactory.create_batch(2, recipient=me)
    NotificationFactory(recipient=me, read_at=timezone.now())
    NotificationFactory()
    response = client.get(reverse("notify:badge"))
    assert response.status_code == 200
    assert ">2<" in response.content.decode()
    NotificationFactory.create_batch(120, recipient=me)
    assert "99+" in client.get(reverse("notify:badge")).content.decode()


def test_badge_is_empty_without_unread(client, me):
    response = client.get(reverse("notify:badge"))
    assert response.status_code == 200 and "badge" not in response.content.decode()


def test_badge_needs_login(client, db):
    assert client.get(reverse("notify:badge")).status_code == 302
