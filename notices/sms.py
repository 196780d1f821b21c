"""Text messages through a pluggable gateway, chosen by FAZHI_SMS_BACKEND.

`log` (default): the text is not sent; it is appended as one JSON line to
`sms.log` in the data dir (settings.SMS_LOG_FILE) and to the `fazhi.sms` logger,
so a development or demo machine records what would have gone out.

`http`: a provider's gateway (or the office's own SMS platform) behind
FAZHI_SMS_URL receives one POST per text:

    POST {FAZHI_SMS_URL}
    Content-Type: application/json; charset=utf-8
    X-Fazhi-Timestamp: 1764384000                      (Unix seconds)
    X-Fazhi-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}." + body, key FAZHI_SMS_SECRET>

    {"phone": "13800000000", "text": "【依法治市办】…", "id": "reminder-42"}

and answers 2xx when it accepted the text (anything else, or no answer within
10 seconds, is a failure: the reminder stays unsent with the error and is
retried on the next run). The gateway checks the signature and refuses
timestamps more than 5 minutes old; `id` lets it drop a repeated delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("fazhi.sms")
TIMEOUT_SECONDS = 10


class SmsError(Exception):
    """The gateway did not take the text; the message says why (shown to the office).
    `unreachable`: no answer at all — the rest of the run's texts are not tried."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, message_id: str) -> None: ...


class LoggingBackend:
    """Records each text instead of sending it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.SMS_LOG_FILE)

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        line = json.dumps(
            {"at": timezone.now().isoformat(), "id": message_id, "phone": phone, "text": text},
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError as exc:
            raise SmsError(f"短信记录文件无法写入：{exc}") from exc
        logger.info("SMS (not sent, log backend) %s", line)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class HttpBackend:
    """Posts each text, signed, to the provider's gateway (shape in the module docstring)."""

    def __init__(self, url: str | None = None, secret: str | None = None) -> None:
        self.url = url or str(settings.SMS_URL)
        self.secret = secret or str(settings.SMS_SECRET)

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "id": message_id}, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - the URL is the configured http(s) gateway
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Fazhi-Timestamp": stamp,
                "X-Fazhi-Signature": signature(self.secret, stamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"短信网关拒绝（HTTP {exc.code}）") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"短信网关无法连接：{reason}", unreachable=True) from exc
        if not 200 <= status < 300:
            raise SmsError(f"短信网关未接受（HTTP {status}）")


def get_backend() -> SmsBackend:
    if settings.SMS_BACKEND == "http":
        return HttpBackend()
    return LoggingBackend()
