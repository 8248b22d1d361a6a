"""Pluggable SMS sending. Production points SMS_BACKEND at a gateway class with the same method."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from gonghui.core.privacy import mask_mobile

log = logging.getLogger("gonghui.sms")


class ConsoleSmsBackend:
    """Development: the message goes to the console and the log, the number masked as everywhere in logs."""

    def send(self, mobile: str, text: str) -> None:
        log.warning("SMS to %s: %s", mask_mobile(mobile), text)


class MemorySmsBackend:
    """Tests: messages are kept in `outbox`."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        MemorySmsBackend.outbox.append((mobile, text))


def send_sms(mobile: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(mobile, text)
