"""The API lists a practice set with its last day, and no longer after it."""

import datetime as dt

from django.utils import timezone


def test_the_api_lists_the_last_day_and_drops_the_set_after_it(api, world):
    world.practice_set.available_until = timezone.localdate() + dt.timedelta(days=10)
    world.practice_set.save()
    client = api(world["handler"])
    rows = client.get("/api/v1/question-sets/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    by_code = {row["code"]: row for row in rows}
    assert by_code["services-practice"]["available_until"] == (
        world.practice_set.available_until.isoformat()
    )
    assert by_code["services-sample"]["available_until"] is None
    world.practice_set.available_until = timezone.localdate() - dt.timedelta(days=1)
    world.practice_set.save()
    rows = client.get("/api/v1/question-sets/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert "services-practice" not in {row["code"] for row in rows}
