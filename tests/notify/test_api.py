"""/api/v1/notify/: the caller's own notifications; 401 anonymous, 404 for others' ids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minqing.notify.models import Notification
from tests.accounts.factories import token_for
from tests.factories import UserFactory
from tests.notify.factories import NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.notify.urls")]

BASE = "/api/v1/notify/"
READ = "/api/v1/notify/read"


def post_json(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


@pytest.fixture
def me(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_anonymous_gets_401(client):
    n = NotificationFactory()
    assert client.get(BASE).status_code == 401
    assert post_json(client, READ, {"ids": [n.pk]}).status_code == 401
    assert post_json(client, READ, {"ids": None}).status_code == 401
    n.refresh_from_db()
    assert n.read_at is None


def test_list_is_mine_newest_first_and_paginated(client, me):
    now = timezone.now()
    older = NotificationFactory(recipient=me, created_at=now - dt.timedelta(hours=1))
    newer = NotificationFactory(recipient=me, created_at=now, url="/stations/3/")
    NotificationFactory()  # someone else's

    body = client.get(BASE).json()

    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    item = body["items"][0]
    assert item["verb"] == "opinion.overdue" and item["url"] == "/stations/3/"
    assert item["read_at"] is None
    page = client.get(BASE, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and [i["id"] for i in page["items"]] == [older.pk]


def test_list_filters_unread(client, me):
    unread = NotificationFactory(recipient=me)
    read = NotificationFactory(recipient=me, read_at=timezone.now())
    assert [i["id"] for i in client.get(BASE, {"unread": "true"}).json()["items"]] == [unread.pk]
    assert [i["id"] for i in client.get(BASE, {"unread": "false"}).json()["items"]] == [read.pk]


def test_list_hides_a_url_that_leaves_the_site(client, me):
    NotificationFactory(recipient=me, url="//evil.example")
    assert client.get(BASE).json()["items"][0]["url"] == ""


def test_token_sees_its_users_notifications():
    from django.test import Client

    user = UserFactory()
    n = NotificationFactory(recipient=user)
    NotificationFactory()
    _, key = token_for(user)
    client = Client()
    body = client.get(BASE, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [i["id"] for i in body["items"]] == [n.pk]


def test_mark_some_read(client, me):
    a, b, c = NotificationFactory.create_batch(3, recipient=me)

    response = post_json(client, READ, {"ids": [a.pk, b.pk, a.pk]})

    assert response.status_code == 200
    assert response.json() == {"updated": 2, "unread": 1}
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {
        c.pk
    }


def test_mark_all_read(client, me):
    NotificationFactory.create_batch(3, recipient=me)
    theirs = NotificationFactory()

    response = post_json(client, READ, {"ids": None})

    assert response.json() == {"updated": 3, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # "All" must be said explicitly: a body without ids is refused.
    NotificationFactory(recipient=me)
    assert post_json(client, READ, {}).status_code == 422
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 1


def test_another_users_id_is_404_and_nothing_is_marked(client, me):
    mine = NotificationFactory(recipient=me)
    theirs = NotificationFactory()

    response = post_json(client, READ, {"ids": [mine.pk, theirs.pk]})

    assert response.status_code == 404
    assert post_json(client, READ, {"ids": [theirs.pk + 1000]}).status_code == 404
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_bad_payloads_are_422(client, me):
    assert post_json(client, READ, {"ids": "all"}).status_code == 422
    assert post_json(client, READ, {"ids": list(range(1, 502))}).status_code == 422
    assert client.get(BASE, {"limit": 0}).status_code == 422


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow(client, me, django_assert_num_queries, rows):
    NotificationFactory.create_batch(rows, recipient=me)
    # session, user, COUNT, the page of rows
    with django_assert_num_queries(4):
        response = client.get(BASE)
    assert len(response.json()["items"]) == rows
