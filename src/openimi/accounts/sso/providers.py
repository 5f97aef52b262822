"""The OpenID Connect providers of this installation (``settings.OIDC_PROVIDERS``).

``OIDC_PROVIDERS`` is a JSON list, one object per provider::

    [{"id": "be-fas",                      # letters, digits, '-' and '_': in URLs and the log
      "name": {"en": "CSAM", "fr": "CSAM"}, # or one string for every language
      "issuer": "https://idp.example.be",   # discovery at <issuer>/.well-known/openid-configuration
      "client_id": "openimi", "client_secret": "...",
      "scopes": "openid",                    # optional; "openid" is always asked
      "acr_values": ["eidas-high"],          # optional: the ID token's acr must be one of these
      "second_factor": true,                 # optional: its login counts as a second factor
      "countries": ["BE"]}]                  # optional: only for authorities of these countries

With an empty list (the default) nothing of single sign-on shows anywhere. The Authlib clients
are made once per process and configuration (they cache the discovery document and the keys).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

if TYPE_CHECKING:
    from authlib.integrations.django_client import DjangoOAuth2App

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Provider:
    id: str
    names: tuple[tuple[str, str], ...]  # (language, name); language "" for every language
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid"
    acr_values: tuple[str, ...] = ()
    second_factor: bool = False
    countries: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The name in the active language, else English, else the first one given."""
        names = dict(self.names)
        language = translation.get_language() or settings.LANGUAGE_CODE
        for key in (language, language.split("-")[0], "", "en"):
            if names.get(key):
                return names[key]
        return self.names[0][1]

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def serves_country(self, country_code: str | None) -> bool:
        return not self.countries or (country_code or "").upper() in self.countries

    def client(self) -> DjangoOAuth2App:
        """The Authlib client for this provider (PKCE S256, state and nonce)."""
        return _client(self, settings.OIDC_TIMEOUT_SECONDS)


def _text(entry: dict, key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS {where}: '{key}' must be a non-empty text.")
    return value.strip()


def _texts(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS {where}: '{key}' must be a list of texts.")
    return tuple(value)


def _provider(entry: object, index: int) -> Provider:
    where = f"entry {index + 1}"
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS {where}: must be an object.")
    provider_id = _text(entry, "id", where)
    if not _ID.fullmatch(provider_id):
        raise ImproperlyConfigured(
            f"OIDC_PROVIDERS {where}: 'id' may hold only letters, digits, '-' and '_'."
        )
    where = f"'{provider_id}'"
    raw_name = entry.get("name")
    if isinstance(raw_name, str) and raw_name.strip():
        names: tuple[tuple[str, str], ...] = (("", raw_name.strip()),)
    elif (
        isinstance(raw_name, dict)
        and raw_name
        and all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw_name.items()
        )
    ):
        names = tuple((k, v.strip()) for k, v in raw_name.items())
    else:
        raise ImproperlyConfigured(
            f"OIDC_PROVIDERS {where}: 'name' must be a text or an object of language: text."
        )
    issuer = _text(entry, "issuer", where)
    if not issuer.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS {where}: 'issuer' must be a URL.")
    scopes = set(_texts(entry, "scopes", where)) | {"openid"}
    second_factor = entry.get("second_factor", False)
    if not isinstance(second_factor, bool):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS {where}: 'second_factor' must be true/false.")
    return Provider(
        id=provider_id,
        names=names,
        issuer=issuer,
        client_id=_text(entry, "client_id", where),
        client_secret=_text(entry, "client_secret", where, required=False),
        scopes=" ".join(sorted(scopes, key=lambda s: (s != "openid", s))),
        acr_values=_texts(entry, "acr_values", where),
        second_factor=second_factor,
        countries=tuple(c.upper() for c in _texts(entry, "countries", where)),
    )


@cache
def _parse(raw: str) -> tuple[Provider, ...]:
    try:
        entries = json.loads(raw or "[]")
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {error}") from error
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers.")
    providers = tuple(_provider(entry, index) for index, entry in enumerate(entries))
    ids = [p.id for p in providers]
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("OIDC_PROVIDERS: two providers have the same 'id'.")
    return providers


def providers() -> tuple[Provider, ...]:
    """Every configured provider, in the configured order."""
    raw = settings.OIDC_PROVIDERS
    if isinstance(raw, list | tuple):  # a test may give the list itself
        raw = json.dumps(list(raw))
    return _parse(raw)


def provider_get(provider_id: str) -> Provider | None:
    return next((p for p in providers() if p.id == provider_id), None)


@cache
def _client(provider: Provider, timeout: int) -> DjangoOAuth2App:
    from authlib.integrations.django_client import OAuth

    oauth = OAuth()
    return oauth.register(
        name=provider.id,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.metadata_url,
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "default_timeout": timeout,
        },
    )
