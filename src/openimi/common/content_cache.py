"""Pages kept for the next identical read, keyed by the versions of the data they show.

A read page (home, the request lists, a request, the directory search, the API request list)
is a pure function of who reads it and of the data: the same user, with the same roles, in the
same language, on the same day, asking the same URL, gets the same page until something it
shows changes. So the rendered page is kept (``CACHES["content"]``: each process's memory, or
with ``REDIS_URL`` one Redis that every process shares, each entry encrypted first by
``common.shared_cache``) under a key made of all that plus the **version** of each data
scope it shows:

- ``authority:<id>``: everything about one authority's requests, users, roles, settings and
  onboarding; bumped when such a row is written (``changed``).
- ``directory``: authorities' names and translations, their preferences, reference data;
  everyone's pages show those.

A version is a random token in ``common.ContentVersion``, replaced after the writing
transaction commits (``transaction.on_commit``): a reader that sees the new token also sees
the new data, so no old page is ever stored under a new token. A new token is never an old
one again (a restored backup cannot bring back a stale page). ``CONTENT_CACHE_SECONDS`` bounds
how long a page is kept in any case, so a write that bypasses the ORM (a manual SQL fix) shows
within that time. ``0`` turns the cache off.

Never cached: another method than GET, a response other than 200, a page with flash messages
waiting, and the pages of coordinators' users (they see other authorities' requests, whose
writes do not bump the coordinator's scope). The permission policy runs before the cache on
every read (the views' mixins come first), and the page's one-off values, the CSRF token and
the CSP nonce, are filled in on every response.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.context_processors import csp as csp_context
from django.utils import timezone, translation
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY
from redis.exceptions import RedisError

from openimi.common import shared_cache

logger = logging.getLogger(__name__)

CACHE_ALIAS = "content"
DIRECTORY = "directory"
# Stand-ins rendered instead of the per-response values, replaced on every response.
CSRF_MARK = "openimi-csrf-token-mark"
NONCE_MARK = "openimi-csp-nonce-mark"
try:
    CODE_VERSION = metadata.version("openimi")
except metadata.PackageNotFoundError:  # pragma: no cover (run from a plain checkout)
    CODE_VERSION = "dev"


def authority_scope(authority_id: int) -> str:
    return f"authority:{authority_id}"


def enabled() -> bool:
    return settings.CONTENT_CACHE_SECONDS > 0


# --- Writes: move the versions ---------------------------------------------------------------


def changed(*, authorities: Iterable[int | None] = (), directory: bool = False) -> None:
    """The running transaction changes what these scopes show: new versions after it commits.

    Outside a transaction the versions move at once. Called by the model receivers in
    ``common.content_receivers`` and by services that write in bulk (retention, role grants).
    """
    scopes = {authority_scope(pk) for pk in authorities if pk}
    if directory:
        scopes.add(DIRECTORY)
    if scopes:
        transaction.on_commit(lambda: bump(scopes), robust=True)


def bump(scopes: Iterable[str]) -> None:
    """Give each scope a new version now (one upsert, in a fixed order)."""
    from openimi.common.models import ContentVersion

    rows = [ContentVersion(scope=scope, token=secrets.token_hex(8)) for scope in sorted(scopes)]
    ContentVersion.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["scope"], update_fields=["token"]
    )


def versions(scopes: Iterable[str]) -> dict[str, str]:
    """The current version of each scope ("" for a scope never written): one query."""
    from openimi.common.models import ContentVersion

    scopes = sorted(set(scopes))
    found = dict(ContentVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    return {scope: found.get(scope, "") for scope in scopes}


# --- Reads: the key and the entry ------------------------------------------------------------


@dataclass
class Entry:
    body: bytes
    content_type: str
    # What the view must do again on every read, even when the page comes from the cache
    # (the request page records each view of personal data).
    replay: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reader:
    """Who reads, as the permission policy decides (``access.policy.content_reader`` makes it):
    the user, the authority, the ``(role, area_id)`` grants, and whether every request the
    user may see is one of the own authority's. The cache is given the reader; it never asks
    the policy itself (the policy's models write the versions, so that would be a circle)."""

    user_id: int
    authority_id: int | None
    grants: frozenset[tuple[str, int | None]]
    own_authority_only: bool

    def key_parts(self) -> list[str]:
        roles = sorted(f"{role}:{area or ''}" for role, area in self.grants)
        return [f"user:{self.user_id}", f"authority:{self.authority_id}", *roles]


def cache_key(request, *, reader: Reader, name: str, scopes: Iterable[str]) -> str:
    """The key of one page: what it is, who reads it, the language, the day and the versions."""
    parts = [
        CODE_VERSION,
        name,
        request.get_host(),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        *reader.key_parts(),
        *(f"{scope}={token}" for scope, token in versions(scopes).items()),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{name}:{digest}"


def cacheable_request(request, reader: Callable[[], Reader]) -> Reader | None:
    """The reader when this response may come from (and go to) the cache, else ``None``.
    ``reader`` is called only for a GET with the cache on, so other requests cost nothing."""
    if not enabled() or request.method != "GET":
        return None
    found = reader()
    # A page shows only what its reader's authority's version covers.
    if not found.own_authority_only or len(messages.get_messages(request)):  # len(): unread
        return None
    return found


def fill(body: bytes, request) -> bytes:
    """Put this response's CSRF token and CSP nonce where the marks are."""
    if CSRF_MARK.encode() in body:
        body = body.replace(CSRF_MARK.encode(), get_token(request).encode())
    # Django's public accessor (what templates get as ``csp_nonce``); None without the CSP
    # middleware.
    nonce = csp_context(request)[CSP_CONTEXT_KEY]
    if nonce is not None and NONCE_MARK.encode() in body:
        body = body.replace(NONCE_MARK.encode(), str(nonce).encode())
    return body


def get(key: str) -> Any:
    """The entry kept under ``key``, or ``None``: never kept, expired, undecryptable, or the
    shared cache does not answer (logged; the page is rendered as if it were a miss)."""
    try:
        found = caches[CACHE_ALIAS].get(key)
    except RedisError as error:
        logger.warning("The content cache does not answer (%s): page rendered.", error)
        return None
    if found is None or not shared_cache.is_shared(CACHE_ALIAS):
        return found
    return shared_cache.unseal(CACHE_ALIAS, key, found)


def put(key: str, value: Any) -> None:
    """Keep ``value`` under ``key``; encrypted first when other processes share the cache."""
    if shared_cache.is_shared(CACHE_ALIAS):
        value = shared_cache.seal(CACHE_ALIAS, key, value)
    try:
        caches[CACHE_ALIAS].set(key, value, settings.CONTENT_CACHE_SECONDS)
    except RedisError as error:
        logger.warning("The content cache does not answer (%s): page not kept.", error)


def cached_data(
    request,
    *,
    reader: Callable[[], Reader],
    name: str,
    build: Callable[[], Any],
    scopes: Iterable[str] = (),
):
    """``build()``'s result (data, not a page: the API) for this request, kept like a page.
    ``scopes`` default to the reader's authority and the directory."""
    found_reader = cacheable_request(request, reader)
    if found_reader is None:
        return build()
    scopes = list(scopes) or [authority_scope(found_reader.authority_id), DIRECTORY]
    key = cache_key(request, reader=found_reader, name=name, scopes=scopes)
    found = get(key)
    if found is None:
        found = build()
        put(key, found)
    return found


class ContentCacheMixin:
    """For a ``TemplateView`` behind the policy mixin: the rendered page is kept and reused.

    ``content_reader()`` gives the reader as the policy sees them (``access.views``'s mixins
    provide it). ``content_scopes()`` names the data the page shows (default: the reader's
    authority and the directory). ``content_replay`` (set while building the context) is
    stored with the page and handed to ``content_replayed`` on every read from the cache.
    """

    content_replay: dict | None = None

    def content_scopes(self) -> list[str]:
        return [authority_scope(self.request.user.authority_id), DIRECTORY]

    def content_replayed(self, replay: dict) -> None:
        """Redo what every read must do (nothing by default)."""

    def content_reader(self) -> Reader:
        raise ImproperlyConfigured(f"{type(self).__name__} must say who reads (content_reader)")

    def get(self, request, *args, **kwargs):
        reader = cacheable_request(request, self.content_reader)
        self.content_cacheable = reader is not None
        if reader is None:
            return super().get(request, *args, **kwargs)
        name = f"{type(self).__module__}.{type(self).__qualname__}"
        key = cache_key(request, reader=reader, name=name, scopes=self.content_scopes())
        entry = get(key)
        if entry is not None:
            if entry.replay:
                self.content_replayed(entry.replay)
            return HttpResponse(fill(entry.body, request), content_type=entry.content_type)
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200 or not hasattr(response, "render"):
            return response
        response.render()
        put(key, Entry(response.content, response["Content-Type"], self.content_replay or {}))
        response.content = fill(response.content, request)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self, "content_cacheable", False):
            # Rendered once for many responses: marks instead of this response's values.
            context.update(csrf_token=CSRF_MARK, csp_nonce=NONCE_MARK)
        return context
