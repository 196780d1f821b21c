"""Who a voter is, without keeping who they are: one-time codes and phone
numbers are kept only as keyed hashes (HMAC with the server's secret), and the
device fingerprint is a hash of a few request headers (no JavaScript)."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10
PHONE = re.compile(r"^1[3-9]\d{9}$")


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    return re.sub(r"[\s\-－]", "", code or "").upper()


def code_hash(code: str) -> str:
    return salted_hmac("selections.vote-code", normalise_code(code), algorithm="sha256").hexdigest()


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"[\s\-－]", "", phone or "")
    digits = digits.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return digits.removeprefix("+86")


def phone_hash(phone: str) -> str:
    return salted_hmac("selections.voter-phone", normalise_phone(phone), algorithm="sha256").hexdigest()


def lookup_hash(code: str) -> str:
    return salted_hmac("selections.lookup", normalise_code(code), algorithm="sha256").hexdigest()


def fingerprint(request: HttpRequest) -> str:
    meta = request.META
    parts = [
        meta.get("HTTP_USER_AGENT", ""),
        meta.get("HTTP_ACCEPT_LANGUAGE", ""),
        meta.get("HTTP_ACCEPT_ENCODING", ""),
        meta.get("HTTP_SEC_CH_UA_PLATFORM", ""),
    ]
    if not any(parts):
        return ""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
