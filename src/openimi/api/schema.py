"""The OpenAPI schema: every operation documents the one error shape for each status it can
answer, so that clients (and Schemathesis) know what to expect."""

from drf_spectacular import openapi
from drf_spectacular.authentication import SessionScheme as _SpectacularSessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from openimi.api.serializers.common import ErrorSerializer

_ERRORS = {
    "400": "Invalid input: the field and the reason.",
    "401": "No valid credentials (missing, wrong, expired or revoked token).",
    "404": "Not found, or not yours to see: the two answer alike.",
    "429": "Too many requests: wait for Retry-After seconds.",
}
_WRITE_ERRORS = {
    "409": "The step no longer applies: someone else acted on it first.",
    "415": "Unsupported content type.",
}


class AutoSchema(openapi.AutoSchema):
    def get_tags(self) -> list[str]:
        # /api/v1/<resource>/...: one tag per resource.
        parts = [part for part in self.path.split("/") if part and not part.startswith("{")]
        return [parts[2] if len(parts) > 2 else "api"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS)
        if self.method != "GET":
            errors.update(_WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return dict(sorted(responses.items()))


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "openimi.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: Authorization: Bearer oimi_…",
        }


class SessionScheme(_SpectacularSessionScheme):
    """The browser session (the reference's "Try it out"), as drf-spectacular describes
    DRF's own; ours differs only in answering a CSRF failure with 403."""

    target_class = "openimi.api.authentication.SessionAuthentication"
