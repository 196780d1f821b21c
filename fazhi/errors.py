"""Exceptions shared by every app.

`StaleEdit` is the one stale-edit exception: a service that compares the
version a user edited with the row's current one raises it (or a subclass)
and writes nothing. It is a ValidationError, so a page shows its message
beside the form like any other refusal; the API answers 409 with
`{"error": {"code": <api_code>, "message": …}}` (`api.errors`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleEdit(ValidationError):
    """The row was changed by someone else since the user read it; nothing was saved."""

    api_code = "conflict"
