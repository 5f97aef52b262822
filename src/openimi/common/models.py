from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ContentVersion(models.Model):
    """The version of one scope of data that cached pages show (``common.content_cache``).

    A random token replaced whenever the scope's data is written; a page is kept under the
    tokens it was rendered with, so a new token makes every older page unreachable.
    """

    scope = models.CharField(max_length=64, primary_key=True)
    token = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"{self.scope} = {self.token}"


class RateLimitCounter(models.Model):
    """One rate-limit key's calls (``common.ratelimit.DatabaseStore``): those of the current
    fixed window and of the one before it, which together make the sliding window.

    Written only by one UPSERT at a time, so that every process shares one count per key."""

    key = models.CharField(max_length=200, primary_key=True)
    window_number = models.BigIntegerField()  # epoch seconds // the limit's period
    calls = models.PositiveIntegerField()
    previous_calls = models.PositiveIntegerField()
    allowed = models.BooleanField()  # whether the last call was allowed
    expires_at = models.DateTimeField(db_index=True)  # no call since: the row counts nothing

    def __str__(self) -> str:
        return f"{self.key}: {self.calls} (+{self.previous_calls})"
