"""Every URL walked (issue 17, item 2): each view declares its action to the one policy, and
each object URL answers 404 to a user of another authority.

The walk goes over Django's URL resolver, so a new URL is checked the day it is added.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.models import Role
from openimi.api.models import WebhookSubscription
from openimi.api.views.base import ApiView
from openimi.authorities.models import AreaPreferences
from openimi.exchange.models import Attachment
from openimi.exchange.views.compose import STEP_NAMES
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from tests.factories import UserFactory

# Views that declare no action, each for a reason. Keep this short: anything a logged-in
# user of one authority can reach about another belongs to the policy.
ALLOWLIST = {
    # Before login: the login steps and choosing a language.
    "openimi.accounts.views.LoginView",
    "openimi.accounts.views.LoginCodeView",
    "openimi.accounts.views.SetupPasswordView",
    "openimi.accounts.views.SetupSecurityCodeView",
    # Step 2 by a second factor, and registering an app when the authority requires one
    # before the session opens (accounts/second_factors.py).
    "openimi.accounts.views.LoginAuthenticatorView",
    "openimi.accounts.views.LoginRecoveryCodeView",
    "openimi.accounts.passkeys.views.PasskeyLoginView",
    "openimi.accounts.views.SetupSecondFactorView",
    # Single sign-on: out to the provider and back (accounts/sso), and the logout (which may
    # go on to the provider's); LoginRequiredMiddleware still guards the logout.
    "openimi.accounts.sso.views.SsoStartView",
    "openimi.accounts.sso.views.SsoCallbackView",
    "openimi.accounts.sso.views.LogoutView",
    "django.views.i18n.set_language",
    # About the system itself (version, licence): the same for everyone.
    "openimi.common.views.AboutView",
    # The user's own account ("My account"): always request.user, no object from the URL.
    "openimi.accounts.views.AccountView",
    "openimi.accounts.views.SessionKeepAliveView",
    "openimi.accounts.views.PasswordChangeView",
    "openimi.accounts.views.SecurityCodeChangeView",
    "openimi.accounts.views.PreferencesView",
    # My account → Login methods: the user's own apps and recovery codes; an app in the URL
    # is looked up among request.user's own (404 otherwise).
    "openimi.accounts.views.LoginMethodsView",
    "openimi.accounts.views.AuthenticatorAddView",
    "openimi.accounts.views.AuthenticatorConfirmView",
    "openimi.accounts.views.AuthenticatorRemoveView",
    "openimi.accounts.views.RecoveryCodesCreateView",
    # The public form "Ask to join" and its confirmation (issue 19): an authority not yet in
    # openimi has no user; rate-limited per client address, it only stores the request.
    "openimi.network.views.registration.JoinView",
    "openimi.network.views.registration.JoinSentView",
    # Help that must be read before logging in (issue 19, item 7): the published FAQ pages
    # and the national helpdesks, the same for everyone (onboarding/help_views.py).
    "openimi.onboarding.help_views.FaqListView",
    "openimi.onboarding.help_views.FaqPageView",
    # The published OpenAPI schema and its reader: no data.
    "drf_spectacular.views.SpectacularAPIView",
    "django.views.generic.base.TemplateView",
    # The API's catch-all 404 in JSON.
    "openimi.api.urls.not_found",
    # For load balancers and Prometheus (observability/views.py): the health answers are
    # public like the login pages and name only checks; the metrics need METRICS_TOKEN.
    "openimi.observability.views.live",
    "openimi.observability.views.ready",
    "openimi.observability.views.prometheus",
}

# Object URLs that are the same for every authority by design: the directory of authorities
# and the published question sets (the seed: every user may search every authority).
SHARED_OBJECTS = {
    "authorities:detail",
    "api:authority-detail",
    "api:question-set-detail",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry


def _view_name(pattern: URLPattern) -> str:
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{view.__module__}.{view.__qualname__}"


def _declares_action(pattern: URLPattern) -> bool:
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view is None:
        return False
    if issubclass(view, PolicyRequiredMixin):
        return "action" in dir(view)
    if issubclass(view, ApiView):
        return bool(getattr(view, "action", None) or view.actions)
    return False


URLS = list(_walk(get_resolver().url_patterns))


def test_every_view_declares_its_action_or_is_allowlisted():
    undeclared = [
        f"{route} ({name}): {_view_name(pattern)}"
        for route, name, pattern in URLS
        if not _declares_action(pattern) and _view_name(pattern) not in ALLOWLIST
    ]
    assert undeclared == [], "views without a declared policy action:\n" + "\n".join(undeclared)


def test_the_allowlist_holds_only_views_that_exist():
    assert {_view_name(pattern) for _, _, pattern in URLS} >= ALLOWLIST


OBJECT_URLS = [
    (route, name)
    for route, name, _ in URLS
    if re.search(r"<\w+:(\w*pk|id)>", route) and name not in SHARED_OBJECTS
]


def _fill(route: str, values: dict[str, object]) -> str:
    def value(match):
        return str(values.get((route, match.group(2)), ""))

    return "/" + re.sub(r"<(\w+):(\w+)>", value, route)


@pytest.fixture
def objects(world, make_request, client):
    """One object of each kind, owned by the requesting and responding authorities."""
    info_request = make_request(State.ACCEPTED, attachment=True)
    lda = world["lda"]
    attachment = Attachment.objects.filter(info_request=info_request).first()
    question = info_request.request_questions.first()
    from openimi.api import tokens, webhooks

    token = tokens.token_create(actor=lda, user=lda, name="test").token
    webhook = WebhookSubscription.objects.create(
        authority=world.requesting,
        created_by=lda,
        url="https://hooks.example/imi",
        secret=webhooks.new_secret(),
    )
    OutboxMessage.objects.filter(authority=world.requesting).update(
        status=OutboxMessage.Status.FAILED
    )
    message = OutboxMessage.objects.filter(authority=world.requesting).first()
    preferences = AreaPreferences.objects.get(authority=world.requesting, area=world.area)
    return {
        "request": info_request.pk,
        "user": lda.pk,
        "attachment": attachment.pk,
        "question": question.pk,
        "token": token.pk,
        "webhook": webhook.pk,
        "message": message.pk,
        "preferences": preferences.pk,
        "step": STEP_NAMES[0],
    }


def _kind(route: str, kwarg: str) -> str:
    if kwarg == "step":
        return "step"
    if kwarg in ("attachment_pk", "document_pk"):
        return "attachment"
    if kwarg == "question_pk":
        return "question"
    if kwarg == "token_pk" or route.startswith("api/v1/tokens/"):
        return "token"
    if route.startswith("api/v1/webhooks/"):
        return "webhook"
    if route.startswith("administration/emails/"):
        return "message"
    if route.startswith("authorities/preferences/"):
        return "preferences"
    if "users/" in route:
        return "user"
    return "request"


@pytest.mark.parametrize(("route", "name"), OBJECT_URLS, ids=[n for _, n in OBJECT_URLS])
def test_object_url_answers_404_to_another_authority(route, name, world, objects, client):
    # A user of an authority that is no party, holding every role there.
    stranger = UserFactory(
        authority=world.third,
        username="stranger",
        roles=[
            (Role.LOCAL_DATA_ADMINISTRATOR, None),
            (Role.REQUEST_HANDLER, world.area),
            (Role.ALLOCATOR, world.area),
            (Role.SUPERVISOR, world.area),
        ],
    )
    values = {
        (route, kwarg): objects[_kind(route, kwarg)] for kwarg in re.findall(r"<\w+:(\w+)>", route)
    }
    url = _fill(route, values)
    # The URL reaches the view under test (a 404 from the resolver would prove nothing).
    assert f"{resolve(url).namespace}:{resolve(url).url_name}".lstrip(":") == name, url
    if route.startswith("api/"):
        from openimi.api import tokens

        secret = tokens.token_create(actor=stranger, user=stranger, name="t").secret
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    else:
        client.force_login(stranger)
        headers = {}
    answers = {
        method: getattr(client, method)(url, **headers).status_code
        for method in ("get", "post", "delete")
    }
    # 405 only for the method the view does not serve; the one it serves must say 404.
    assert set(answers.values()) <= {404, 405} and 404 in answers.values(), f"{url}: {answers}"
