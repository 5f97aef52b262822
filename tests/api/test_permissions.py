"""The permission matrix of the API: every endpoint × every role, own and other authority,
anonymous, revoked and expired tokens.

One test per endpoint: the refused callers go first (a refusal changes nothing), then the
allowed ones, so one request serves the whole row. Expected: ``ALLOWED`` lists who gets the
success status; everyone else with a valid token gets 404 (refusal reads as missing); no
token, a revoked or an expired token get 401.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from openimi.api import tokens, webhooks
from openimi.api.models import ApiToken
from openimi.api.views import alerts as alert_views
from tests.exchange.conftest import PDF

pytestmark = pytest.mark.django_db

# The callers: the requesting authority's roles (Gemeente Oeteldonk), the responding
# authority's (Gewerbeamt Köln), and a third authority that is in no exchange.
CALLERS = [
    "basic",
    "handler",
    "allocator",
    "supervisor",
    "lda",
    "resp_handler",
    "resp_allocator",
    "resp_lda",
    "third_handler",
    # A service account of the requesting authority with the handler's role (issue 16): it
    # gets what the handler gets, on every endpoint, except tokens it would make or revoke.
    "service",
]
EVERYONE = set(CALLERS) - {"service"}
NOT_FOR_SERVICE = {"token create", "token revoke"}
REQUESTING_READERS = {"basic", "handler", "allocator", "supervisor", "lda"}
RESPONDING_READERS = {"resp_handler", "resp_allocator", "resp_lda"}
BOTH_SIDES = REQUESTING_READERS | RESPONDING_READERS
# Who sees a draft: the handlers and supervisors of the area.
DRAFT_READERS = {"handler", "supervisor"}


@dataclass
class Ctx:
    world: object
    info_request: object = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: Callable[[Ctx], str]
    allowed: set[str]
    status: int = 200
    state: str | None = None  # the request's state (make_request), if the path needs one
    body: Callable[[Ctx], dict] | None = None
    options: tuple = ()  # make_request options
    multipart: bool = False
    setup: Callable[[Ctx], None] | None = None
    # Callers refused with another status than 404 (e.g. 409 from the state table).
    other: dict[str, int] = field(default_factory=dict)


def req(suffix: str = "") -> Callable[[Ctx], str]:
    return lambda ctx: f"/api/v1/requests/{ctx.info_request.pk}/{suffix}"


def _question(ctx: Ctx) -> str:
    rq = ctx.info_request.request_questions.order_by("position").first()
    return f"/api/v1/requests/{ctx.info_request.pk}/questions/{rq.pk}/answer/"


def _document(ctx: Ctx) -> str:
    attachment = ctx.info_request.attachments.get()
    return f"/api/v1/requests/{ctx.info_request.pk}/documents/{attachment.pk}/"


def _subscription(ctx: Ctx) -> None:
    ctx.extra["subscription"] = webhooks.subscription_create(
        actor=ctx.world["lda"], url="http://127.0.0.1:9/hook", event_types=["request.sent"]
    )


def _user(suffix: str = "") -> Callable[[Ctx], str]:
    """A user of the requesting authority (the basic user), for the users endpoints."""
    return lambda ctx: f"/api/v1/users/{ctx.world['basic'].pk}/{suffix}"


NEW_USER = {
    "first_name": "Pieter",
    "last_name": "de Kort",
    "language": "nl",
    "email": "p.dekort@example.org",
}


def _token(ctx: Ctx) -> None:
    ctx.extra["token"] = tokens.token_create(
        actor=ctx.world["handler"], user=ctx.world["handler"], name="theirs"
    ).token


def _service_token(ctx: Ctx) -> None:
    ctx.extra["service_token"] = tokens.token_create(
        actor=ctx.world["lda"], user=ctx.world["service"], name="its"
    ).token


CASES = [
    Case("directory search", "GET", lambda c: "/api/v1/authorities/", EVERYONE),
    Case(
        "directory detail",
        "GET",
        lambda c: f"/api/v1/authorities/{c.world.responding.pk}/",
        EVERYONE,
    ),
    Case("own authority read", "GET", lambda c: "/api/v1/authority/", {"lda", "resp_lda"}),
    Case(
        "own authority change",
        "PATCH",
        lambda c: "/api/v1/authority/",
        {"lda", "resp_lda"},
        body=lambda c: {"city": "Oeteldonk"},
    ),
    Case("question sets", "GET", lambda c: "/api/v1/question-sets/", EVERYONE),
    Case(
        "question set",
        "GET",
        lambda c: f"/api/v1/question-sets/{c.world.question_set.pk}/",
        EVERYONE,
    ),
    Case("request list", "GET", lambda c: "/api/v1/requests/", EVERYONE),
    Case(
        "draft create",
        "POST",
        lambda c: "/api/v1/requests/",
        {"handler", "resp_handler", "third_handler"},
        status=201,
        body=lambda c: {"area": c.world.area.pk},
    ),
    Case("request detail", "GET", req(), BOTH_SIDES, state="accepted"),
    Case(
        "draft change",
        "PATCH",
        req(),
        {"handler"},
        state="draft",
        body=lambda c: {"justification": "Changed."},
        other={"supervisor": 404},
    ),
    Case("draft delete", "DELETE", req(), {"handler"}, status=204, state="draft"),
    Case(
        "personal data read",
        "GET",
        req("personal-data/"),
        {"handler", "allocator", "supervisor", "resp_handler", "resp_allocator"},
        state="accepted",
    ),
    Case(
        "personal data set",
        "PUT",
        req("personal-data/"),
        {"handler"},
        state="draft",
        body=lambda c: {"provider_name": "Jansen"},
    ),
    Case("timeline", "GET", req("timeline/"), BOTH_SIDES, state="accepted"),
    Case("documents", "GET", req("documents/"), BOTH_SIDES, state="accepted"),
    Case(
        "document upload",
        "POST",
        req("documents/"),
        {"handler"},
        status=201,
        state="draft",
        multipart=True,
    ),
    Case(
        "document download",
        "GET",
        _document,
        {"handler", "allocator", "supervisor", "resp_handler", "resp_allocator"},
        state="accepted",
        options=("attachment",),
    ),
    Case(
        "document remove",
        "DELETE",
        _document,
        {"handler"},
        status=204,
        state="draft",
        options=("attachment",),
    ),
    Case(
        "answer save",
        "PUT",
        _question,
        {"resp_handler"},
        state="accepted",
        body=lambda c: {"value": "yes"},
    ),
    Case(
        "allocation candidates",
        "GET",
        req("allocation-candidates/"),
        {"resp_allocator"},
        state="accepted",
        options=("allocation",),
    ),
    Case("send", "POST", req("send/"), {"handler"}, state="draft"),
    Case(
        "accept",
        "POST",
        req("accept/"),
        {"resp_handler"},
        state="awaiting_acceptance",
    ),
    Case(
        "forward",
        "POST",
        req("forward/"),
        {"resp_handler"},
        status=204,  # forwarded away: no longer the caller's to see
        state="accepted",
        body=lambda c: {"to_authority": c.world.target.pk},
    ),
    Case(
        "allocate",
        "POST",
        req("allocate/"),
        {"resp_allocator"},
        state="accepted",
        options=("allocation",),
        body=lambda c: {"handlers": [c.world["resp_handler2"].pk]},
    ),
    Case(
        "request info",
        "POST",
        req("request-info/"),
        {"resp_handler"},
        state="accepted",
        body=lambda c: {"text": "Which branch?", "language": "en"},
    ),
    Case(
        "provide info",
        "POST",
        req("provide-info/"),
        {"handler"},
        state="awaiting_information",
        body=lambda c: {"text": "Den Bosch.", "language": "en"},
    ),
    Case("answer", "POST", req("answer/"), {"resp_handler"}, state="accepted"),
    Case("accept answer", "POST", req("accept-answer/"), {"handler"}, state="answered"),
    Case(
        "ask follow-up",
        "POST",
        req("ask-follow-up/"),
        {"handler"},
        state="answered",
        body=lambda c: {"text": "And since when?", "language": "en"},
    ),
    Case("withdraw", "POST", req("withdraw/"), {"handler"}, state="accepted"),
    Case(
        "refer to coordinator",
        "POST",
        req("refer-to-coordinator/"),
        {"handler", "resp_handler"},
        state="accepted",
        body=lambda c: {"text": "No progress.", "language": "en"},
    ),
    Case("token list", "GET", lambda c: "/api/v1/tokens/", EVERYONE),
    Case(
        "token create",
        "POST",
        lambda c: "/api/v1/tokens/",
        EVERYONE,
        status=201,
        body=lambda c: {"name": "back office"},
    ),
    Case(
        "token revoke",
        "DELETE",
        lambda c: f"/api/v1/tokens/{c.extra['token'].pk}/",
        {"handler", "lda"},
        status=204,
        setup=_token,
    ),
    Case(
        "token create for another person",
        "POST",
        lambda c: "/api/v1/tokens/",
        {"basic"},  # the basic user's own only: not its administrator (issue 16)
        status=201,
        body=lambda c: {"name": "back office", "user": c.world["basic"].pk},
    ),
    Case(
        "token create for a service account",
        "POST",
        lambda c: "/api/v1/tokens/",
        {"lda"},  # its authority's local data administrators only
        status=201,
        body=lambda c: {"name": "back office", "user": c.world["service"].pk},
    ),
    Case(
        "token revoke of a service account",
        "DELETE",
        lambda c: f"/api/v1/tokens/{c.extra['service_token'].pk}/",
        {"lda", "service"},  # its administrators, or the service account itself
        status=204,
        setup=_service_token,
    ),
    Case("webhook list", "GET", lambda c: "/api/v1/webhooks/", {"lda", "resp_lda"}),
    Case(
        "webhook create",
        "POST",
        lambda c: "/api/v1/webhooks/",
        {"lda", "resp_lda"},
        status=201,
        body=lambda c: {"url": "http://127.0.0.1:9/hook", "event_types": ["request.sent"]},
    ),
    Case(
        "webhook delete",
        "DELETE",
        lambda c: f"/api/v1/webhooks/{c.extra['subscription'].pk}/",
        {"lda"},
        status=204,
        setup=_subscription,
    ),
    Case(
        "webhook deliveries",
        "GET",
        lambda c: f"/api/v1/webhooks/{c.extra['subscription'].pk}/deliveries/",
        {"lda"},
        setup=_subscription,
    ),
    Case("user list", "GET", lambda c: "/api/v1/users/", {"lda", "resp_lda"}),
    Case(
        "user create",
        "POST",
        lambda c: "/api/v1/users/",
        {"lda", "resp_lda"},
        status=201,
        body=lambda c: NEW_USER,
    ),
    Case("user detail", "GET", _user(), {"lda"}),
    Case("user change", "PATCH", _user(), {"lda"}, body=lambda c: {"phone": "+31 73 1234567"}),
    Case("user delete", "DELETE", _user(), {"lda"}),
    Case("user roles", "GET", _user("roles/"), {"lda"}),
    Case(
        "user roles set",
        "PUT",
        _user("roles/"),
        {"lda"},
        body=lambda c: {"roles": [{"role": "supervisor", "area": c.world.area.pk}]},
    ),
    Case("user reset password", "POST", _user("reset-password/"), {"lda"}),
]


def _client(user=None, *, token: str | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        # A service account's token is made by an administrator of its authority.
        maker = user.authority.users.get(username="lda") if user.is_service_account else user
        token = tokens.token_create(actor=maker, user=user, name="matrix").secret
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _service_account(world):
    from openimi.accounts.models import Role
    from openimi.accounts.users import services as user_services

    return user_services.user_create(
        actor=world["lda"],
        authority=world["lda"].authority,
        first_name="Zaaksysteem",
        last_name="",
        language="nl",
        email="zaken@oeteldonk.example",
        phone="",
        roles=[(Role.REQUEST_HANDLER, world.area)],
        service_account=True,
    )


def _call(client: APIClient, case: Case, ctx: Ctx):
    path = case.path(ctx)
    if case.multipart:
        upload = SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")
        return client.post(path, {"file": upload}, format="multipart")
    body = case.body(ctx) if case.body else {}
    return getattr(client, case.method.lower())(path, body, format="json")


def _answer_all(ctx: Ctx) -> None:
    from tests.exchange.conftest import answer_all

    answer_all(ctx.world, ctx.info_request)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_matrix(case, world, make_request, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    world.users.setdefault("service", _service_account(world))
    ctx = Ctx(world=world)
    if case.state:
        ctx.info_request = make_request(case.state, **{option: True for option in case.options})
        if case.name == "answer":
            _answer_all(ctx)
    if case.setup:
        case.setup(ctx)
    third = world["third_handler"]
    world.users.setdefault("third_handler", third)

    # No token, a revoked token, an expired token: 401.
    revoked = tokens.token_create(actor=world["handler"], user=world["handler"], name="r")
    tokens.token_revoke(actor=world["handler"], token=revoked.token)
    expired = tokens.token_create(actor=world["handler"], user=world["handler"], name="e")
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for label, client in [
        ("anonymous", _client()),
        ("revoked", _client(token=revoked.secret)),
        ("expired", _client(token=expired.secret)),
    ]:
        response = _call(client, case, ctx)
        assert response.status_code == 401, (label, response.status_code, response.content)

    allowed = set(case.allowed)
    if "handler" in allowed and case.name not in NOT_FOR_SERVICE:
        allowed.add("service")
    refused = [name for name in CALLERS if name not in allowed]
    for name in refused:
        response = _call(_client(world[name]), case, ctx)
        # The service account holds the handler's role: refused as the handler is.
        like = "handler" if name == "service" else name
        expected = case.other.get(like, 404)
        assert response.status_code == expected, (name, response.status_code, response.content)
    for name in sorted(allowed):
        if case.method in ("DELETE",) or (case.state and case.method != "GET"):
            # A write changes the state: one allowed caller proves the row (the others are
            # the same rule, tested in the policy's own matrix).
            response = _call(_client(world[name]), case, ctx)
            assert response.status_code == case.status, (name, response.content)
            break
        response = _call(_client(world[name]), case, ctx)
        assert response.status_code == case.status, (name, response.status_code, response.content)


class _Fake(Ctx):
    def __init__(self):
        row = type("Row", (), {"pk": 1})
        world = type("World", (), {"__getitem__": lambda self, name: row})()
        super().__init__(world=world, info_request=row)


_TRANSITION_CASES = [
    c
    for c in CASES
    if c.method == "POST"
    and c.path(_Fake()).startswith("/api/v1/requests/")
    and c.path(_Fake()).count("/") == 6
]


def test_every_endpoint_is_in_the_matrix():
    """A new endpoint must be added to the matrix."""
    from openimi.api import urls

    # The schema, the reference page and the JSON 404 for any other path need no permission.
    names = {pattern.name for pattern in urls.urlpatterns} - {"schema", "docs", None}
    covered = {
        "authorities",
        "authority-detail",
        "own-authority",
        "question-sets",
        "question-set-detail",
        "requests",
        "request-detail",
        "request-personal-data",
        "request-answer",
        "request-allocation-candidates",
        "request-timeline",
        "request-documents",
        "request-document",
        "tokens",
        "token-detail",
        "webhooks",
        "webhook-detail",
        "webhook-deliveries",
        "users",
        "user-detail",
        "user-roles",
        "user-reset-password",
        # Running the network: tests/api/test_network_api.py (the network administrator).
        "legislative-areas",
        "legislative-area-detail",
        "legislative-area-keywords",
        "keyword-detail",
        "policy-areas",
        "question-set-import",
        "question-set-file",
        "question-set-publish",
        "question-set-new-version",
        *(f"request-{case.path(_Fake()).split('/')[-2]}" for case in _TRANSITION_CASES),
        # Alerts: tests/api/test_alerts_permissions.py (their own world and parties).
        "alerts",
        "alert-detail",
        *(f"alert-{step.path}" for step in alert_views.STEPS),
        "alert-update-validate",
        "alert-update-return",
        "alert-acknowledge",
        "alert-distribute",
    }
    missing = names - covered
    # approve, return, reject and end-mediation need a coordinator or a flag: see below.
    assert missing <= {
        "request-approve",
        "request-return",
        "request-reject",
        "request-end-mediation",
    }, missing


def test_coordinator_transitions(api, world, make_request):
    """approve, return, reject, end mediation: the coordinator (or the allowed authority)."""
    info_request = make_request("awaiting_approval")
    path = f"/api/v1/requests/{info_request.pk}/"
    assert api(world["handler"]).post(path + "approve/").status_code == 404
    assert api(world["third_handler"]).post(path + "approve/").status_code == 404
    assert api(world["coord_handler"]).post(path + "approve/").status_code == 200
    # The step no longer applies: 409 for whoever may see it.
    assert api(world["coord_handler"]).post(path + "approve/").status_code == 409

    info_request = make_request("awaiting_approval")
    path = f"/api/v1/requests/{info_request.pk}/"
    body = {"note": "Say more.", "note_language": "en"}
    assert api(world["handler"]).post(path + "return/", body, format="json").status_code == 404
    # Back to a draft, which the coordinator does not see: done, nothing to show.
    assert (
        api(world["coord_handler"]).post(path + "return/", body, format="json").status_code == 204
    )
    assert api(world["handler"]).get(path).json()["status"] == "draft"

    world.set_prefs(world.requesting, needs_coordinator_approval=False)
    info_request = make_request("awaiting_acceptance")
    path = f"/api/v1/requests/{info_request.pk}/reject/"
    body = {"reason": "outside_scope"}
    assert api(world["resp_handler"]).post(path, body, format="json").status_code == 404
    world.set_prefs(world.responding, may_reject=True)
    assert api(world["handler"]).post(path, body, format="json").status_code == 404
    assert api(world["resp_handler"]).post(path, body, format="json").status_code == 200

    info_request = make_request("accepted", referred=True)
    path = f"/api/v1/requests/{info_request.pk}/end-mediation/"
    assert api(world["handler"]).post(path).status_code == 404
    assert api(world["third_handler"]).post(path).status_code == 404
    assert api(world["coord_handler"]).post(path).status_code == 200


def test_transition_that_no_longer_applies_is_409(api, world, make_request):
    info_request = make_request("closed")
    response = api(world["handler"]).post(f"/api/v1/requests/{info_request.pk}/withdraw/")
    assert response.status_code == 409
    assert response.json()["detail"]


def test_incomplete_draft_is_400_per_field(api, world, make_request):
    draft = (
        api(world["handler"])
        .post("/api/v1/requests/", {"area": world.area.pk}, format="json")
        .json()
    )
    response = api(world["handler"]).post(f"/api/v1/requests/{draft['id']}/send/")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"question_set", "questions", "responding_authority", "reply_by"} <= fields


def test_missing_request_is_404_like_not_yours(api, world, make_request):
    info_request = make_request("accepted")
    third = api(world["third_handler"])
    not_yours = third.get(f"/api/v1/requests/{info_request.pk}/")
    missing = third.get("/api/v1/requests/999999/")
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.json() == missing.json()


def test_request_list_query_count_is_constant(api, world, make_request, django_assert_num_queries):
    client = api(world["handler"])
    make_request("accepted")
    client.get("/api/v1/requests/")  # the token's first use also stamps last_used_at
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/requests/")
    for _ in range(3):
        make_request("accepted")
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get("/api/v1/requests/").json()["results"]) == 4
