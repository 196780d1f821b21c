from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts.access import can_manage_users
from accounts.models import User
from jobs.models import Job


def access_job(user: User, pk: Any) -> Job:
    """A job is its owner's alone; anyone else gets 404."""
    job = Job.objects.filter(pk=pk, owner_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404("任务不存在")
    return job


def can_import_users(user: User) -> bool:
    return can_manage_users(user)
