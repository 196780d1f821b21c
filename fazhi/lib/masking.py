"""Masking of personal contact data (phone, e-mail, address) for the roles that
may not see it whole: the one rule the expert pool and the 联络员 directory share.

Pure Python, no Django. The rule: whatever is shown, at least four characters stay
hidden, and a value too short to keep that promise is hidden whole behind a fixed
`****` (so the mask does not give away its length either).
"""

from __future__ import annotations

MASK = "****"


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; a 7–10 character number keeps only its last 3
    (3123456 → ****456); anything shorter than 7 characters is hidden whole."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 7:
        return MASK
    if len(value) < 11:
        return f"{MASK}{value[-3:]}"
    return f"{value[:3]}{MASK}{value[-4:]}"


def mask_email(value: str) -> str:
    """zhang.san@example.com → z***@example.com; without a domain it is hidden whole."""
    value = (value or "").strip()
    if not value:
        return ""
    local, _, domain = value.partition("@")
    if not domain:
        return MASK
    return f"{local[:1] or '*'}***@{domain}"


def mask_address(value: str) -> str:
    """Keep the first 6 characters (province and city), hide the rest."""
    value = (value or "").strip()
    if not value:
        return ""
    return f"{value[:6]}{MASK}" if len(value) > 6 else MASK
