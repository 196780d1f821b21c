"""API keys: 256 random bits, stored only as their SHA-256.

A fast hash is enough here (unlike passwords): the key is random and long, so there
is nothing to guess, and the lookup by hash keeps the comparison out of Python.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 6


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]
