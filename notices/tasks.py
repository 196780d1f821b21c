"""Task functions run by the queue (`fazhi db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def send_due_reminders() -> dict[str, Any]:
    """Send what is due now (queued once a notice or a 催办 is committed)."""
    from notices.reminding import reminders_send

    return reminders_send(retry_now=False).as_dict()
