"""The console e-mail backend logs messages with masked addresses."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from minqing.notify import delivery
from minqing.notify.mail import mask_email
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "address, masked",
    [
        ("leader@example.cn", "l***@example.cn"),
        ("a@b.cn", "a***@b.cn"),
        ("odd@name@example.cn", "o***@example.cn"),
        ("no-at-sign", "***"),
        ("@example.cn", "***"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


def test_console_backend_logs_subject_and_body_but_not_the_address(db, settings, caplog):
    settings.EMAIL_BACKEND = "minqing.notify.mail.ConsoleBackend"
    user = UserFactory(email="zhang.wei@example.cn")
    with caplog.at_level(logging.INFO, logger="minqing.notify.mail"):
        delivery.notify([user], verb="opinion.overdue", title="民情件已超期", body="请尽快处理。")
    assert "z***@example.cn" in caplog.text
    assert "民情件已超期" in caplog.text and "请尽快处理。" in caplog.text
    assert "zhang.wei" not in caplog.text
    assert mail.outbox == []  # went to the log, not to locmem
