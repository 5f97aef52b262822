"""Administration → Manage users: service accounts and their API tokens (issue 16).

Who may open and post each page (the authority's local data administrators; everyone else
404, anonymous to the login page), where the administrator lands and what the page says, and
what bad input gets.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from openimi.accounts.models import Role, SecurityEvent, User
from openimi.accounts.users import services
from openimi.api import tokens
from openimi.api.models import ApiToken
from openimi.notifications.models import OutboxMessage
from tests.factories import LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(db):
    return LanguageFactory(code="en", names={"en": "English", "nl": "Engels"})


@pytest.fixture
def account(lda, services_area):
    return services.user_create(
        actor=lda,
        authority=lda.authority,
        first_name="Zaaksysteem",
        last_name="",
        language="en",
        email="zaken@oeteldonk.example",
        phone="",
        roles=[(Role.REQUEST_HANDLER, services_area)],
        service_account=True,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def add_data(**changes):
    return {"first_name": "Zaaksysteem", "language": "en", "email": "zaken@x.example", **changes}


class TestAddServiceAccount:
    def test_only_the_authoritys_administrators(self, client, lda, handler, basic_user):
        path = reverse("users:add_service_account")
        assert logged_in(lda).get(path).status_code == 200
        for user in (handler, basic_user):
            assert logged_in(user).get(path).status_code == 404
            assert logged_in(user).post(path, add_data()).status_code == 404
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous.url
        assert not User.objects.filter(is_service_account=True).exists()

    def test_added_lands_on_its_details_without_any_password_mail(self, lda, services_area):
        page = logged_in(lda).get(reverse("users:add_service_account"))
        assert "Local data administrator" not in text(page)  # not offered
        assert 'name="last_name"' not in text(page) and 'name="phone"' not in text(page)
        response = logged_in(lda).post(
            reverse("users:add_service_account"),
            add_data(request_handler=[services_area.pk]),
            follow=True,
        )
        account = User.objects.get(is_service_account=True)
        assert response.redirect_chain[-1][0] == reverse("users:details", args=[account.pk])
        body = text(response)
        assert "The service account Zaaksysteem has been added." in body
        assert "Service account" in body and "Make an API token" in body
        assert "Reset password" not in body and "Reset security code" not in body
        assert account.status == User.Status.ACTIVE and not account.has_usable_password()
        assert set(account.role_grants.values_list("role", flat=True)) == {Role.REQUEST_HANDLER}
        assert not OutboxMessage.objects.filter(recipient_user=account).exists()
        listed = text(logged_in(lda).get(reverse("users:list")))
        assert "Service account" in listed and "zaaksysteem" in listed

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", "Enter the name of the service account"),
            ("Zaak\x00systeem", "control"),
            ("Z" * 10_000, "150"),
        ],
    )
    def test_bad_input_is_refused_at_the_field_and_kept(self, lda, name, message):
        response = logged_in(lda).post(
            reverse("users:add_service_account"), add_data(first_name=name, email="zaken@x")
        )
        assert response.status_code == 200
        body = text(response)
        assert "govuk-error-summary" in body and message.lower() in body.lower()
        assert 'value="zaken@x"' in body  # what was typed stays
        assert not User.objects.filter(is_service_account=True).exists()

    def test_in_dutch(self, lda):
        lda.language = "nl"
        lda.save(update_fields=["language"])
        client = logged_in(lda)
        response = client.post(
            reverse("users:add_service_account"),
            add_data(first_name=""),
            headers={"accept-language": "nl"},
        )
        assert "Vul de naam van het serviceaccount in" in text(response)

    def test_change_saved_unchanged_changes_nothing(self, lda, account):
        client = logged_in(lda)
        page = client.get(reverse("users:change", args=[account.pk]))
        assert page.status_code == 200 and "Change service account" in text(page)
        form = page.context["form"]
        # What the page shows, posted back as it is (the area boxes carry area ids).
        data = {
            name: value
            for name, value in form.initial.items()
            if name in form.fields and value not in (None, False)
        }
        assert data["request_handler"]
        before = SecurityEvent.objects.count()
        response = client.post(reverse("users:change", args=[account.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
        fresh = User.objects.get(pk=account.pk)
        assert (fresh.first_name, fresh.last_name, fresh.email, fresh.phone) == (
            "Zaaksysteem",
            "",
            "zaken@oeteldonk.example",
            "",
        )
        assert fresh.is_service_account
        assert SecurityEvent.objects.count() == before

    def test_its_password_cannot_be_reset(self, lda, account):
        client = logged_in(lda)
        response = client.post(reverse("users:reset_password", args=[account.pk]))
        assert response.status_code == 200
        assert "A service account has no password or security code" in text(response)
        assert not OutboxMessage.objects.filter(recipient_user=account).exists()


class TestTokenPages:
    def test_who_may_make_one(self, client, lda, other_lda, handler, account):
        path = reverse("users:token_add", args=[account.pk])
        assert logged_in(lda).get(path).status_code == 200
        for user in (other_lda, handler, account):
            assert logged_in(user).get(path).status_code == 404
            assert logged_in(user).post(path, {"name": "x", "days": 1}).status_code == 404
        # A person's token is theirs to make: not on these pages, not even one's own.
        for person in (handler, lda):
            person_path = reverse("users:token_add", args=[person.pk])
            assert logged_in(lda).get(person_path).status_code == 404
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous.url
        assert not ApiToken.objects.exists()

    def test_made_shown_once_logged_mailed_listed_and_revoked(self, lda, account, settings):
        client = logged_in(lda)
        response = client.post(
            reverse("users:token_add", args=[account.pk]), {"name": "productie", "days": 30}
        )
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
        token = ApiToken.objects.get()
        body = text(response)
        secret = body.split('<code class="openimi-token govuk-!-text-break-word">')[1].split("<")[0]
        assert secret.startswith(f"oimi_{token.prefix}_")
        assert (token.user, token.created_by) == (account, lda)
        assert SecurityEvent.objects.filter(
            user=account, event=SecurityEvent.Code.API_TOKEN_CREATED
        ).exists()
        assert OutboxMessage.objects.filter(
            event_code="api_token.created", recipient_email="zaken@oeteldonk.example"
        ).exists()
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert api.get("/api/v1/requests/").status_code == 200

        details = text(client.get(reverse("users:details", args=[account.pk])))
        assert "productie" in details and token.prefix in details and secret not in details

        revoke = reverse("users:token_revoke", args=[account.pk, token.pk])
        assert "Revoke the token productie?" in text(client.get(revoke))
        landed = client.post(revoke, follow=True)
        assert landed.redirect_chain[-1][0] == reverse("users:details", args=[account.pk])
        assert "The token productie has been revoked." in text(landed)
        assert api.get("/api/v1/requests/").status_code == 401
        assert SecurityEvent.objects.filter(
            user=account, event=SecurityEvent.Code.API_TOKEN_REVOKED
        ).exists()
        # A revoked token has no revoke page any more.
        assert client.get(revoke).status_code == 404

    def test_revoke_only_by_its_authority(self, lda, other_lda, handler, account):
        token = tokens.token_create(actor=lda, user=account, name="t").token
        revoke = reverse("users:token_revoke", args=[account.pk, token.pk])
        for user in (other_lda, handler):
            assert logged_in(user).post(revoke).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None

    @pytest.mark.parametrize(
        ("data", "field_message"),
        [
            ({"name": "", "days": 30}, "Enter a name for the token"),
            ({"name": "p", "days": 0}, "Enter at least 1 day"),
            ({"name": "p", "days": "ninety"}, "Enter a whole number of days"),
            ({"name": "p", "days": 10_000}, "Enter at most"),
            ({"name": "p\x07", "days": 30}, "control"),
        ],
    )
    def test_bad_input(self, lda, account, data, field_message):
        response = logged_in(lda).post(reverse("users:token_add", args=[account.pk]), data)
        assert response.status_code == 200
        assert field_message.lower() in text(response).lower()
        assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("name", "username"), [("Система делопроизводства", "sistema"), ("案件系统", "user")]
)
def test_a_name_in_another_script(lda, name, username):
    response = logged_in(lda).post(
        reverse("users:add_service_account"), add_data(first_name=name), follow=True
    )
    account = User.objects.get(is_service_account=True)
    assert account.first_name == name
    assert account.username.startswith(username)
    assert f"The service account {name} has been added." in text(response)
