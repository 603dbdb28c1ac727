"""SMS backends: console masks the phone, locmem keeps an outbox, the HTTP gateway posts
JSON and swallows its failures; send_sms goes through the task."""

from __future__ import annotations

import io
import json
import logging
import urllib.error

import pytest
from django_tasks import TaskResultStatus

from minqing.notify import sms
from minqing.notify.tasks import send_sms_task

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("13812345678", "138********"),
        ("138 1234 5678", "138********"),
        ("+8613812345678", "861********"),
        ("6512345", "****"),
        ("110", "****"),
        ("", "****"),
    ],
)
def test_mask_phone(phone, masked):
    assert sms.mask_phone(phone) == masked


def test_console_backend_logs_the_masked_phone_only(settings, caplog, db):
    settings.MINQING_SMS_BACKEND = "minqing.notify.sms.ConsoleBackend"
    with caplog.at_level(logging.INFO, logger="minqing.notify.sms"):
        sms.send_sms(PHONE, "您的民情件已有答复。")
    assert "138********" in caplog.text
    assert "您的民情件已有答复。" in caplog.text
    assert PHONE not in caplog.text
    # no trailing digits: with the code in the text they would open the tracking page
    assert "5678" not in caplog.text


def test_send_sms_goes_through_the_task_to_the_locmem_outbox(settings, db, monkeypatch):
    settings.MINQING_SMS_BACKEND = "minqing.notify.sms.LocmemBackend"
    enqueued = []
    task_class = type(send_sms_task)
    original = task_class.enqueue

    def spy(self, *args, **kwargs):
        enqueued.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(task_class, "enqueue", spy)
    sms.send_sms(" 13812345678 ", "验证码 1234")
    assert enqueued == [{"phone": PHONE, "text": "验证码 1234"}]
    assert sms.outbox == [sms.SmsMessage(phone=PHONE, text="验证码 1234")]


def test_default_backend_is_the_console(settings):
    del settings.MINQING_SMS_BACKEND
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)


class FakeResponse(io.BytesIO):
    def __init__(self, status: int = 200):
        super().__init__(b'{"ok": true}')
        self.status = status


def test_gateway_posts_json_with_the_bearer_token(settings, monkeypatch):
    settings.MINQING_SMS_GATEWAY_URL = "https://sms.gov.example/api/send"
    settings.MINQING_SMS_GATEWAY_TOKEN = "s3cret"
    calls = []

    def fake_urlopen(request, timeout):
        calls.append((request, timeout))
        return FakeResponse(200)

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    assert sms.HttpGatewayBackend().send(PHONE, "您好，民情件已办结。") is True

    (request, timeout) = calls[0]
    assert request.full_url == "https://sms.gov.example/api/send"
    assert request.get_method() == "POST"
    assert timeout == 5
    assert request.get_header("Authorization") == "Bearer s3cret"
    assert request.get_header("Content-type").startswith("application/json")
    assert json.loads(request.data.decode()) == {"phone": PHONE, "text": "您好，民情件已办结。"}


def test_gateway_without_token_sends_no_authorization(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "urllib.request.urlopen", lambda request, timeout: calls.append(request) or FakeResponse()
    )
    assert sms.HttpGatewayBackend(url="http://relay.local/sms", token="").send(PHONE, "t")
    assert calls[0].get_header("Authorization") is None


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.HTTPError("https://sms.gov.example/api/send", 503, "busy", {}, None),
        urllib.error.URLError(f"cannot reach gateway for {PHONE}"),
        TimeoutError(f"timed out sending to {PHONE}"),
        ConnectionRefusedError(),
        FakeResponse(500),
    ],
    ids=["http-503", "url-error", "timeout", "refused", "status-500"],
)
def test_gateway_failures_are_logged_without_the_phone_and_not_raised(monkeypatch, caplog, failure):
    def fake_urlopen(request, timeout):
        if isinstance(failure, BaseException):
            raise failure
        return failure

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    with caplog.at_level(logging.WARNING, logger="minqing.notify.sms"):
        ok = sms.HttpGatewayBackend(url="https://sms.gov.example/api/send", token="t").send(
            PHONE, "您好"
        )
    assert ok is False
    assert "SMS gateway" in caplog.text
    assert PHONE not in caplog.text and "5678" not in caplog.text


@pytest.mark.parametrize("url", ["", "file:///etc/passwd", "ftp://sms.example/"])
def test_gateway_refuses_anything_but_http(monkeypatch, caplog, url):
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("must not open"))
    with caplog.at_level(logging.ERROR, logger="minqing.notify.sms"):
        assert sms.HttpGatewayBackend(url=url, token="").send(PHONE, "t") is False
    assert "MINQING_SMS_GATEWAY_URL" in caplog.text


def test_gateway_failure_inside_the_task_does_not_fail_the_task(settings, monkeypatch, db):
    settings.MINQING_SMS_BACKEND = "minqing.notify.sms.HttpGatewayBackend"
    settings.MINQING_SMS_GATEWAY_URL = "https://sms.gov.example/api/send"

    def down(request, timeout):
        raise urllib.error.URLError("down")

    monkeypatch.setattr("urllib.request.urlopen", down)
    result = send_sms_task.enqueue(phone=PHONE, text="您好")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is False
