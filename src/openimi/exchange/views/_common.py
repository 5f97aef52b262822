"""What the request pages share: fetching the request through the policy (404 alike for
"missing" and "not yours") and putting authority titles in the reader's language."""

from __future__ import annotations

from django.http import Http404

from openimi.access.views import PolicyRequiredMixin
from openimi.common.i18n import current_language
from openimi.exchange import selectors
from openimi.exchange.models import InformationRequest


def get_request_or_404(
    user, pk: int, *, read_ahead: bool = False, relations: bool = True
) -> InformationRequest:
    try:
        return selectors.request_get(user=user, pk=pk, read_ahead=read_ahead, relations=relations)
    except InformationRequest.DoesNotExist as missing:
        raise Http404 from missing


def label_authorities(info_requests, language: str | None = None) -> None:
    """Set ``display_title``/``display_lang`` on both authorities (prefetched translations)."""
    language = language or current_language()
    for info_request in info_requests:
        for authority in (info_request.requesting_authority, info_request.responding_authority):
            if authority is not None and not hasattr(authority, "display_title"):
                authority.display_title, authority.display_lang = authority.title_for(language)


class RequestPolicyMixin(PolicyRequiredMixin):
    """A page about one request (``pk`` in the URL): the policy object is the request.
    ``read_ahead``: the page checks many actions, so the policy reads their facts at once."""

    read_ahead = False

    def get_policy_object(self):
        self.info_request = get_request_or_404(
            self.request.user, self.kwargs["pk"], read_ahead=self.read_ahead
        )
        return self.info_request
