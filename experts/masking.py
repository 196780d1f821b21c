"""Contact details of experts, masked for everyone but the office (and the
expert itself). The one helper the pages, the API and the exports all use:
`contacts_for(user, expert)`. The masking rule itself is fazhi/lib/masking.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# the one masking rule of the system (the 联络员 directory uses it too)
from fazhi.lib.masking import mask_address, mask_email, mask_phone


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
