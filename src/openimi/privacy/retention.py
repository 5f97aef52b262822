"""The part of the retention job that concerns the privacy app (called by
``retention.services``): what corrections and contest marks hold of personal data is moved
into the blocked data and cleared with the request's personal data, in the same transaction.

The rows stay without it (who corrected or marked what and when, which fields), so the
accountability remains and nothing personal does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.utils import timezone

from openimi.privacy.models import ContestMark, PersonalDataCorrection


def collect(ids: list[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """The personal content of the corrections and contest marks of these requests."""
    found: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"corrections": [], "contest_marks": []}
    )
    for row in PersonalDataCorrection.objects.filter(
        info_request_id__in=ids, cleared_at__isnull=True
    ).values("pk", "info_request_id", "corrected_at", "fields", "old_values", "reason"):
        found[row.pop("info_request_id")]["corrections"].append(_jsonable(row))
    for row in ContestMark.objects.filter(info_request_id__in=ids, cleared_at__isnull=True).values(
        "pk", "info_request_id", "marked_at", "removed_at", "reason"
    ):
        found[row.pop("info_request_id")]["contest_marks"].append(_jsonable(row))
    return dict(found)


def old_values(content: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The values before each correction: identifying strings to look for in copies."""
    return [c.get("old_values") or {} for c in (content or {}).get("corrections", [])]


def clear(ids: list[int]) -> dict[int, int]:
    """Clear the old values and reasons (marks still open end here too); rows per request."""
    now = timezone.now()
    counts: dict[int, int] = defaultdict(int)
    corrections = PersonalDataCorrection.objects.filter(
        info_request_id__in=ids, cleared_at__isnull=True
    )
    marks = ContestMark.objects.filter(info_request_id__in=ids, cleared_at__isnull=True)
    for pk in corrections.values_list("info_request_id", flat=True):
        counts[pk] += 1
    for pk in marks.values_list("info_request_id", flat=True):
        counts[pk] += 1
    corrections.update(old_values={}, reason="", cleared_at=now)
    marks.filter(removed_at__isnull=True).update(removed_at=now)
    marks.update(reason="", cleared_at=now)
    return dict(counts)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(row, default=str))
