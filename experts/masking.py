"""Contact details of experts, masked for everyone but the office (and the
expert itself). The one helper the pages, the API and the exports all use:
`contacts_for(user, expert)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MASK = "****"


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; anything shorter than 7 characters is hidden whole."""
    value = value.strip()
    if not value:
        return ""
    if len(value) < 7:
        return MASK
    return f"{value[:3]}{MASK}{value[-4:]}"


def mask_email(value: str) -> str:
    """zhang.san@example.com → z***@example.com"""
    value = value.strip()
    if not value:
        return ""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else MASK


def mask_address(value: str) -> str:
    """Keep the first 6 characters (province and city), hide the rest."""
    value = value.strip()
    if not value:
        return ""
    return f"{value[:6]}{MASK}" if len(value) > 6 else MASK


@dataclass(frozen=True)
class Contacts:
    phone: str
    email: str
    address: str
    masked: bool

    def as_dict(self) -> dict[str, Any]:
        return {"phone": self.phone, "email": self.email, "address": self.address, "masked": self.masked}


def contacts(expert: Any, *, reveal: bool) -> Contacts:
    if reveal:
        return Contacts(expert.phone, expert.email, expert.address, masked=False)
    return Contacts(
        mask_phone(expert.phone), mask_email(expert.email), mask_address(expert.address), masked=True
    )


def contacts_for(user: Any, expert: Any) -> Contacts:
    from experts.access import can_see_contacts

    return contacts(expert, reveal=can_see_contacts(user, expert))
