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
