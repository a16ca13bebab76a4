"""The channels a notification goes out on, chosen by the ``NOTIFICATION_CHANNELS`` setting.

Each channel is a class with ``send(recipient, message)``; the site channel stores a
``Notification``, SMS goes through ``accounts.sms`` (console in development) and email through
Django's email backend (console in development). A deployment swaps or adds channels in
settings without touching the code that notifies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail

from accounts.models import Account
from accounts.sms import send_sms

from .models import Notification


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    url: str = ""
    at: datetime.datetime | None = None

    @property
    def short_text(self) -> str:
        """The SMS text: the title, the body and the link, in one line."""
        parts = [f"【职工之家】{self.title}", self.body, self.url]
        return " ".join(part for part in parts if part)


class SiteChannel:
    def send(self, recipient, message: Message) -> None:
        Notification.objects.create(
            recipient=recipient, title=message.title, body=message.body, url=message.url
        )


def _account(recipient) -> Account | None:
    return Account.objects.filter(pk=recipient.account_id).first() if recipient.account_id else None


class SmsChannel:
    def send(self, recipient, message: Message) -> None:
        account = _account(recipient)
        mobile = account.mobile if account else recipient.username
        if mobile:
            send_sms(mobile=mobile, text=message.short_text)


class EmailChannel:
    def send(self, recipient, message: Message) -> None:
        account = _account(recipient)
        address = (account.email if account else "") or recipient.email
        if address:
            body = "\n\n".join(part for part in (message.body, message.url) if part)
            send_mail(message.title, body, settings.DEFAULT_FROM_EMAIL, [address])
