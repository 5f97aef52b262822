"""Issue 16, finding 1: no impersonation by token.

A person's token is made by that person alone; a back-office integration gets a service
account (no interactive login, roles like any user, named as such in every log), whose
tokens its authority's local data administrators make. Making and revoking any token is in
the security log, and the owner is told by e-mail.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from openimi.accounts.models import Role, SecurityEvent, User
from openimi.accounts.users import services as user_services
from openimi.api import tokens
from openimi.api.models import ApiToken
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import services as exchange_services
from openimi.notifications.models import OutboxMessage
from tests.accounts.conftest import CODE, PASSWORD, characters_of, positions_on, step1
from tests.notifications.conftest import clock, run_worker  # noqa: F401 - fixtures
from tests.smtp import smtp_sink  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def own_client(user) -> APIClient:
    return bearer(tokens.token_create(actor=user, user=user, name="own").secret)


def service_account(lda, *, roles=(), name="Zaaksysteem", email="zaken@oeteldonk.example"):
    return user_services.user_create(
        actor=lda,
        authority=lda.authority,
        first_name=name,
        last_name="",
        language="nl",
        email=email,
        phone="",
        roles=list(roles),
        service_account=True,
    )


def token_mails(token: ApiToken) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(
            event_code__startswith="api_token.", key__contains=f":{token.pk}:"
        ).order_by("recipient_email")
    )


# --- the impersonation itself ------------------------------------------------------------------


def test_an_administrator_cannot_make_a_token_that_acts_as_a_person(lda, handler):
    response = own_client(lda).post(
        "/api/v1/tokens/", {"name": "act as handler", "user": handler.pk}, format="json"
    )
    assert response.status_code == 404
    assert not ApiToken.objects.filter(user=handler).exists()
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=lda, user=handler, name="x")
    # Nor for a colleague administrator: a person is a person, whatever the roles.
    second = User.objects.create(
        username="lda2", authority=lda.authority, status=User.Status.ACTIVE
    )
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=lda, user=second, name="x")


def test_a_person_makes_their_own_token_logged_and_mailed(handler):
    client = APIClient()
    client.force_authenticate(handler)
    response = client.post("/api/v1/tokens/", {"name": "my scripts"}, format="json")
    assert response.status_code == 201
    token = ApiToken.objects.get(name="my scripts")
    [event] = SecurityEvent.objects.filter(event=SecurityEvent.Code.API_TOKEN_CREATED)
    assert (event.user, event.detail) == (handler, f"{token.prefix} by handler")
    [mail] = token_mails(token)
    assert (mail.recipient_email, mail.recipient_user, mail.cc) == (handler.email, handler, [])
    assert "my scripts" in mail.body_text and token.prefix in mail.body_text
    assert response.json()["token"] not in mail.body_text + mail.subject
    assert response.json()["token"] not in event.detail


# --- service accounts ---------------------------------------------------------------------------


def test_a_service_account_is_active_has_no_password_and_gets_no_mail(lda, services_area):
    account = service_account(lda, roles=[(Role.REQUEST_HANDLER, services_area)])
    account.refresh_from_db()
    assert account.is_service_account
    assert account.status == User.Status.ACTIVE and not account.must_change_password
    assert not account.has_usable_password()
    assert account.username == "zaaksysteem"
    assert not OutboxMessage.objects.filter(recipient_user=account).exists()
    assert str(account) == "Zaaksysteem (service account)"
    [created] = SecurityEvent.objects.filter(user=account, event=SecurityEvent.Code.ACCOUNT_CREATED)
    assert created.detail == "service account by lda"
    with pytest.raises(ApplicationError):
        user_services.user_reset_password(actor=lda, user=account)
    with pytest.raises(ApplicationError):
        user_services.user_reset_security_code(actor=lda, user=account)


def test_a_service_account_cannot_be_a_local_data_administrator(lda, services_area):
    with pytest.raises(ApplicationError) as refused:
        service_account(lda, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
    assert refused.value.field == Role.LOCAL_DATA_ADMINISTRATOR
    account = service_account(lda)
    with pytest.raises(ApplicationError):
        user_services.user_roles_set(
            actor=lda, user=account, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)]
        )
    assert not account.role_grants.exists()


def test_the_administrator_makes_the_service_accounts_token_logged_and_mailed(
    lda, authority, services_area
):
    second_lda = User.objects.create(
        username="lda2",
        first_name="Tweede",
        last_name="Beheerder",
        email="lda2@oeteldonk.example",
        language="en",
        authority=authority,
        status=User.Status.ACTIVE,
    )
    second_lda.role_grants.create(role=Role.LOCAL_DATA_ADMINISTRATOR)
    account = service_account(lda, roles=[(Role.REQUEST_HANDLER, services_area)])
    response = own_client(lda).post(
        "/api/v1/tokens/", {"name": "productie", "user": account.pk}, format="json"
    )
    assert response.status_code == 201
    token = ApiToken.objects.get(name="productie")
    assert (token.user, token.created_by) == (account, lda)
    [event] = SecurityEvent.objects.filter(event=SecurityEvent.Code.API_TOKEN_CREATED, user=account)
    assert event.detail == f"{token.prefix} by lda"
    # The contact address and every (human) local data administrator, each in their language.
    mails = {mail.recipient_email: mail for mail in token_mails(token)}
    assert set(mails) == {"zaken@oeteldonk.example", lda.email, "lda2@oeteldonk.example"}
    assert "API-token" in mails["zaken@oeteldonk.example"].subject  # Dutch
    assert "service account Zaaksysteem" in mails["lda2@oeteldonk.example"].subject
    # The token works, as the service account.
    client = bearer(response.json()["token"])
    assert client.get("/api/v1/requests/").status_code == 200


def test_a_service_account_makes_no_token_itself_not_even_its_own(lda):
    account = service_account(lda)
    secret = tokens.token_create(actor=lda, user=account, name="first").secret
    response = bearer(secret).post("/api/v1/tokens/", {"name": "second"}, format="json")
    assert response.status_code == 404
    response = bearer(secret).post(
        "/api/v1/tokens/", {"name": "third", "user": account.pk}, format="json"
    )
    assert response.status_code == 404
    assert ApiToken.objects.filter(user=account).count() == 1


def test_another_authority_cannot_make_or_revoke_its_tokens(lda, other_lda, handler):
    account = service_account(lda)
    response = own_client(other_lda).post(
        "/api/v1/tokens/", {"name": "x", "user": account.pk}, format="json"
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=handler, user=account, name="x")
    token = tokens.token_create(actor=lda, user=account, name="t").token
    assert own_client(other_lda).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert own_client(handler).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_is_logged_and_mailed_once(lda, handler):
    account = service_account(lda)
    token = tokens.token_create(actor=lda, user=account, name="t").token
    assert own_client(lda).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    tokens.token_revoke(actor=lda, token=token)  # again: nothing more
    [event] = SecurityEvent.objects.filter(event=SecurityEvent.Code.API_TOKEN_REVOKED)
    assert (event.user, event.detail) == (account, f"{token.prefix} by lda")
    revoked = [m for m in token_mails(token) if m.event_code == "api_token.revoked"]
    assert {m.recipient_email for m in revoked} == {account.email, lda.email}
    # A person's own token revoked by an administrator (a leak): the person is told.
    own = tokens.token_create(actor=handler, user=handler, name="mine").token
    tokens.token_revoke(actor=lda, token=own)
    [told] = [m for m in token_mails(own) if m.event_code == "api_token.revoked"]
    assert told.recipient_email == handler.email
    assert "has revoked an API token" in told.body_text
    assert lda.get_full_name() in told.body_text


@pytest.mark.django_db(transaction=True)
def test_the_owner_receives_the_mail(lda, clock, run_worker, smtp_sink):  # noqa: F811
    account = service_account(lda)
    issued = tokens.token_create(actor=lda, user=account, name="productie")
    run_worker()
    received = {message["To"]: message for message in smtp_sink.messages}
    assert set(received) == {"zaken@oeteldonk.example", lda.email}
    body = received["zaken@oeteldonk.example"].get_body(("plain",)).get_content()
    assert "productie" in body and issued.token.prefix in body
    assert issued.secret not in body


def test_a_service_account_cannot_log_in(client, lda, services_area, caplog):
    account = service_account(lda, roles=[(Role.REQUEST_HANDLER, services_area)])
    # Even with a password and a code set behind openimi's back (the Django admin, a shell).
    from openimi.accounts.security_code import security_code_set

    account.set_password(PASSWORD)
    account.save(update_fields=["password"])
    security_code_set(user=account, code=CODE)
    page = step1(client, account.username, PASSWORD)
    code_page = client.get(page.url)
    with caplog.at_level(logging.INFO, logger="openimi.security"):
        response = client.post(
            reverse("accounts:login_code"),
            characters_of(CODE, positions_on(code_page)),
            follow=True,
        )
    assert "_auth_user_id" not in client.session
    assert "The username, password or security code is not correct." in response.content.decode()
    failed = SecurityEvent.objects.get(user=account, event=SecurityEvent.Code.LOGIN_FAILED)
    assert failed.detail == "service_account"
    assert any("(service account)" in record.getMessage() for record in caplog.records)


def test_shown_as_a_service_account_in_the_logs(world, make_request):
    """The personal-data access log, the request history (page and API) and the list of
    users name it a service account."""
    from django.test import Client

    lda = world["lda"]
    info_request = make_request("accepted")
    account = service_account(lda, roles=[(Role.REQUEST_HANDLER, world.area)])
    exchange_services.personal_data_view(info_request=info_request, actor=account, part="api:x")
    exchange_services.request_withdraw(info_request=info_request, actor=account)
    client = bearer(tokens.token_create(actor=lda, user=account, name="t").secret)
    timeline = client.get(
        f"/api/v1/requests/{info_request.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    actors = [entry["actor"] for entry in timeline]
    assert "Zaaksysteem (service account)" in actors

    pages = Client()
    pages.force_login(lda)
    log = pages.get(reverse("privacy:access_log")).content.decode()
    assert "Zaaksysteem (service account)" in log
    detail = pages.get(reverse("exchange:detail", kwargs={"pk": info_request.pk}))
    history = detail.content.decode().split(">History</h2>")[-1]
    assert "Service account" in history
    users = pages.get(reverse("users:list")).content.decode()
    assert "Service account" in users


def test_the_policy_rule_for_tokens(lda, other_lda, handler):
    """``api.token_manage`` (make) and ``api.token_revoke`` for every kind of actor and owner."""
    from django.contrib.auth.models import AnonymousUser

    from openimi.access import policy
    from openimi.access.actions import Action

    account = service_account(lda)
    rows = [
        # actor, owner, may make, may revoke
        (handler, handler, True, True),
        (lda, lda, True, True),
        (lda, handler, False, True),  # no acting as a person; revoking a leak is fine
        (other_lda, handler, False, False),
        (lda, account, True, True),
        (other_lda, account, False, False),
        (handler, account, False, False),
        (account, account, False, True),
        (account, handler, False, False),
        (AnonymousUser(), handler, False, False),
        (handler, None, False, False),
    ]
    for actor, owner, make, revoke in rows:
        assert policy.can(actor, Action.API_TOKEN_MANAGE, owner) is make, (actor, owner)
        assert policy.can(actor, Action.API_TOKEN_REVOKE, owner) is revoke, (actor, owner)
