"""Where a notification goes. `settings.NOTIFIER_BACKENDS` lists the backends in use (dotted paths).

A backend has one method, `send(message)`. The inbox stores a row per recipient account; the SMS
backend texts each recipient's mobile (and any extra numbers, e.g. a hotline caller without an
account) through `gonghui.accounts.sms`, whose console backend only logs in development.
"""

from dataclasses import dataclass, field

from gonghui.accounts.sms import send_sms

from .models import Notification


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    url: str = ""
    recipients: tuple = ()  # User objects
    mobiles: tuple[str, ...] = field(default=())  # extra numbers without an account
    sms: bool = False  # whether the message is also worth a text


class InboxBackend:
    def send(self, message: Message) -> None:
        Notification.objects.bulk_create([
            Notification(user=user, title=message.title[:200], body=message.body, url=message.url[:300])
            for user in message.recipients
        ])


class SmsBackend:
    def send(self, message: Message) -> None:
        if not message.sms:
            return
        numbers = [u.mobile for u in message.recipients if getattr(u, "mobile", None)] + list(message.mobiles)
        text = f"{message.title} {message.body}".strip()
        for mobile in dict.fromkeys(numbers):
            send_sms(mobile, text)
