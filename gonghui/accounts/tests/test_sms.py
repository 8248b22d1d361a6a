"""The development SMS backend logs the message, never the full mobile number."""

import logging

from gonghui.accounts.sms import ConsoleSmsBackend


def test_console_backend_masks_the_number(caplog):
    with caplog.at_level(logging.WARNING, logger="gonghui.sms"):
        ConsoleSmsBackend().send("13800001111", "验证码 123456")
    assert "13800001111" not in caplog.text
    assert "138****1111" in caplog.text and "123456" in caplog.text
