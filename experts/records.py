"""The JSON shape of a draw, shared by `fazhi experts draws --json` and the API."""

from __future__ import annotations

from typing import Any

from experts import verification
from experts.models import Draw


def draw_json(draw: Draw) -> dict[str, Any]:
    names = verification.names(draw)
    return {
        "id": draw.pk,
        "purpose": draw.purpose,
        "purpose_code": draw.purpose_code,
        "object_id": draw.object_id,
        "object_label": draw.object_label,
        "status": draw.status,
        "status_label": draw.get_status_display(),
        "algorithm": draw.algorithm,
        "commitment": draw.commitment,
        "list_digest": draw.list_digest,
        "seed": draw.seed if draw.is_revealed else None,
        "size": draw.size,
        "backups_count": draw.backups,
        "required_fields": list(draw.required_fields),
        "candidates": len(draw.candidates) if isinstance(draw.candidates, list) else 0,
        "excluded": len(draw.excluded) if isinstance(draw.excluded, list) else 0,
        "created_at": draw.created_at.isoformat(),
        "executed_at": draw.executed_at.isoformat() if draw.executed_at else None,
        "cancelled_at": draw.cancelled_at.isoformat() if draw.cancelled_at else None,
        "cancel_reason": draw.cancel_reason,
        "replaces": draw.replaces_id,
        "panel": draw.panel_ids,
        "backups": draw.backup_ids,
        "panel_members": [{"id": i, "name": names.get(i, "")} for i in draw.panel_ids],
    }
