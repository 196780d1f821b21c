"""FAZHI_EMAIL_URL → Django's e-mail settings (no Django import: settings.py uses it).

    smtp://user:pass@host:port        plain SMTP (port 25 by default)
    smtp+tls://user:pass@host:587     STARTTLS
    smtp+ssl://user:pass@host:465     SMTP over TLS
    console://                        print each mail to standard output (development)
    file:///path/to/dir               write each mail as a file into the directory
    locmem://                         keep mails in memory (tests)

User and password may be percent-encoded (`p%40ss` for `p@ss`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

SCHEMES = ("smtp", "smtp+tls", "smtp+ssl", "console", "file", "locmem")


def parse_email_url(url: str) -> dict[str, Any]:
    """Settings for `url`; ValueError (Chinese, without the password) when it is not one of SCHEMES."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    shown = f"{scheme}://{parts.hostname or ''}{':' + str(parts.port) if _port(parts) else ''}{parts.path}"
    if scheme not in SCHEMES:
        raise ValueError(f"FAZHI_EMAIL_URL 的协议应为 {'、'.join(SCHEMES)} 之一，收到的是“{shown}”")
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        if not parts.path:
            raise ValueError("FAZHI_EMAIL_URL 为 file:// 时须给出目录，例如 file:///var/lib/fazhi/outbox")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if not parts.hostname:
        raise ValueError(f"FAZHI_EMAIL_URL 缺少邮件服务器地址：“{shown}”")
    port = _port(parts)
    if port is None and parts.netloc.rsplit("@", 1)[-1].endswith(":"):
        raise ValueError(f"FAZHI_EMAIL_URL 的端口无效：“{shown}”")
    default_port = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
    }


def _port(parts: Any) -> int | None:
    try:
        return parts.port  # type: ignore[no-any-return]
    except ValueError as exc:
        raise ValueError("FAZHI_EMAIL_URL 的端口无效（应为 1—65535 的数字）") from exc
