"""The Content Security Policy's ``form-action`` must let a form lead to a provider.

Chromium applies ``form-action`` to the redirects that follow a form's POST: the "Log in with
<provider>" forms and the logout form (RP-initiated logout) end at the provider. With providers
configured, every page's policy names their issuers' origins as well; without, nothing changes.
Placed after Django's CSP middleware in MIDDLEWARE, so that it runs first on the response: it
writes the header itself (with the request's nonce), which Django's middleware then leaves as
it is. (No openimi view overrides the policy with ``csp_override``.)
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csp import get_nonce
from django.utils.csp import CSP, build_policy

from openimi.accounts.sso.providers import providers


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SsoFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        configured = providers()
        header = str(CSP.HEADER_ENFORCE)
        if configured and settings.SECURE_CSP and header not in response:
            policy = dict(settings.SECURE_CSP)
            origins = sorted({_origin(p.issuer) for p in configured})
            policy["form-action"] = [*policy.get("form-action", []), *origins]
            response.headers[header] = build_policy(policy, get_nonce(request))
        return response
