"""Pluggable SMS senders, chosen by the ``SMS_BACKEND`` setting (like Django's email backends)."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    mobile: str
    text: str


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: print the message where the operator sees it (like Django's console email)."""

    def send(self, message: SmsMessage) -> None:
        print(f"[SMS → {message.mobile}] {message.text}", flush=True)


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Tests: keep messages in ``accounts.sms.outbox``."""

    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class HttpSmsBackend(BaseSmsBackend):
    """Production: POST JSON ``{"mobile", "text"}`` to the SMS gateway at ``SMS_GATEWAY_URL``.

    The city's SMS platform sits on the government intranet; its adapter takes this shape.
    """

    def send(self, message: SmsMessage) -> None:
        url = os.environ["SMS_GATEWAY_URL"]
        body = json.dumps({"mobile": message.mobile, "text": message.text}).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        token = os.environ.get("SMS_GATEWAY_TOKEN")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def send_sms(*, mobile: str, text: str) -> None:
    backend: BaseSmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(SmsMessage(mobile=mobile, text=text))
