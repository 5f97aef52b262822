"""The one error family of openimi: services raise these, views and the API translate them."""


class ApplicationError(Exception):
    """A rule of the domain refused the change; ``message`` is fit for the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(ApplicationError):  # noqa: N818 - mirrors Django's name
    """The actor may not do this; views answer 404 so that 'not yours' looks like 'missing'."""
