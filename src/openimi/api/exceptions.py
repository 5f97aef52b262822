"""One error shape for every failure: ``{"detail": ..., "field": ..., "errors": [...]}``.

- ``ApplicationError`` (a rule of the domain refused): 400 with the field and the reason;
  ``IncompleteError`` lists every problem in ``errors``;
- ``PermissionDenied`` (ours, Django's or DRF's) and missing objects: 404, alike;
- a browser session without its CSRF token (``authentication.CsrfFailed``): 403, saying so;
- ``TransitionNotAllowed`` (a request's or an alert's) / ``ConcurrentChangeError`` (someone
  else was quicker): 409;
- no or bad credentials: 401; throttled: 429 with ``Retry-After``.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from openimi.alerts.services import IncompleteError as AlertIncompleteError
from openimi.alerts.workflow import TransitionNotAllowed as AlertTransitionNotAllowed
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange.services import ConcurrentChangeError, IncompleteError
from openimi.exchange.workflow import TransitionNotAllowed


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _body(detail: str, field: str | None = None, errors: list | None = None) -> dict:
    return {
        "detail": str(detail),
        "field": field,
        "errors": errors if errors is not None else [{"field": field, "detail": str(detail)}],
    }


def _flatten(data, prefix: str = "") -> list[dict]:
    """DRF's nested validation errors as a list of ``{"field", "detail"}``."""
    if isinstance(data, dict):
        out = []
        for key, value in data.items():
            name = str(key) if key != "non_field_errors" else ""
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(data, list):
        if all(not isinstance(item, (dict, list)) for item in data):
            return [{"field": prefix or None, "detail": str(item)} for item in data]
        out = []
        for index, item in enumerate(data):
            out += _flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return out
    return [{"field": prefix or None, "detail": str(data)}]


def exception_handler(exc, context):
    refused = (
        PermissionDenied,
        ObjectDoesNotExist,
        DjangoPermissionDenied,
        exceptions.PermissionDenied,
    )
    if isinstance(exc, refused):
        exc = Http404()
    if isinstance(exc, (TransitionNotAllowed, AlertTransitionNotAllowed, ConcurrentChangeError)):
        return Response(_body(exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, (IncompleteError, AlertIncompleteError)):
        errors = [{"field": field, "detail": str(text)} for field, text in exc.problems.items()]
        return Response(_body(exc.message, None, errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApplicationError):
        # Some refusals list every problem (a question set file): each becomes an error.
        problems = getattr(exc, "errors", None)
        errors = [{"field": exc.field, "detail": str(p)} for p in problems] if problems else None
        return Response(_body(exc.message, exc.field, errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail) or [{"field": None, "detail": _("Invalid input.")}]
        response.data = _body(errors[0]["detail"], errors[0]["field"], errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = _body(detail or _("The request failed."))
    return response
