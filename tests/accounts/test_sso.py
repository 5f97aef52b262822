"""Single sign-on without a provider running: the configuration, the link and unlink pages of a
local data administrator (allow and deny per kind of visitor), the security log, and that
nothing of it shows when no provider is configured. The flow itself: tests/browser/test_sso.py.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from openimi.accounts.models import SecurityEvent, SsoLink, UserSession
from openimi.accounts.sso.providers import providers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROVIDER = {
    "id": "testid",
    "name": {"en": "Test ID", "nl": "Test-ID"},
    "issuer": "https://idp.example.org",
    "client_id": "openimi",
    "client_secret": "s3cret",
}
OTHERS = ["basic_user", "handler", "other_lda"]


@pytest.fixture
def sso(settings):
    settings.OIDC_PROVIDERS = [PROVIDER]


@pytest.fixture
def colleague(authority):
    return UserFactory(authority=authority, username="tessa", first_name="Tessa")


def link_url(user):
    return reverse("users:sso_link", kwargs={"pk": user.pk})


def unlink_url(link):
    return reverse("users:sso_unlink", kwargs={"pk": link.user_id, "link_pk": link.pk})


class TestConfiguration:
    def test_none_by_default(self, settings):
        settings.OIDC_PROVIDERS = "[]"
        assert providers() == ()

    def test_a_provider_with_names_per_language(self, settings):
        from django.utils import translation

        settings.OIDC_PROVIDERS = [{**PROVIDER, "acr_values": ["high"], "countries": ["be"]}]
        (provider,) = providers()
        assert provider.scopes == "openid"
        assert provider.acr_values == ("high",)
        assert provider.serves_country("BE") and not provider.serves_country("NL")
        with translation.override("nl"):
            assert provider.name == "Test-ID"
        with translation.override("de"):
            assert provider.name == "Test ID"

    @pytest.mark.parametrize(
        ("entry", "message"),
        [
            ({**PROVIDER, "id": "a b"}, "'id' may hold only"),
            ({**PROVIDER, "issuer": "idp.example.org"}, "'issuer' must be a URL"),
            ({**PROVIDER, "client_id": ""}, "'client_id' must be a non-empty text"),
            ({**PROVIDER, "name": 3}, "'name' must be a text"),
            ({**PROVIDER, "second_factor": "yes"}, "'second_factor' must be true/false"),
        ],
    )
    def test_mistakes_stop_the_start_with_a_clear_message(self, settings, entry, message):
        settings.OIDC_PROVIDERS = [entry]
        with pytest.raises(ImproperlyConfigured, match=message):
            providers()

    def test_two_providers_with_one_id(self, settings):
        settings.OIDC_PROVIDERS = [PROVIDER, PROVIDER]
        with pytest.raises(ImproperlyConfigured, match="same 'id'"):
            providers()


class TestNothingShowsWithoutProviders:
    def test_login_page_and_user_details(self, client, lda, colleague):
        page = client.get(reverse("accounts:login")).content.decode()
        assert "Other ways to log in" not in page
        client.force_login(lda)
        details = client.get(reverse("users:details", kwargs={"pk": colleague.pk}))
        assert "Single sign-on" not in details.content.decode()
        assert client.get(link_url(colleague)).status_code == 404

    def test_an_unknown_provider_is_404(self, client):
        url = reverse("accounts:sso_start", kwargs={"provider_id": "testid"})
        assert client.post(url).status_code == 404


class TestLoginPage:
    def test_one_post_form_per_provider(self, client, sso):
        page = client.get(reverse("accounts:login")).content.decode()
        action = reverse("accounts:sso_start", kwargs={"provider_id": "testid"})
        assert f'<form method="post" action="{action}"' in page
        assert "Log in with Test ID" in page

    def test_the_policy_lets_forms_lead_to_the_provider(self, client, sso):
        response = client.get(reverse("accounts:login"))
        csp = response.headers["Content-Security-Policy"]
        assert "form-action 'self' https://idp.example.org" in csp


class TestLink:
    def test_the_local_data_administrator_links_and_unlinks(self, client, sso, lda, colleague):
        client.force_login(lda)
        details = client.get(reverse("users:details", kwargs={"pk": colleague.pk}))
        assert "Link a login" in details.content.decode()
        response = client.post(link_url(colleague), {"provider": "testid", "subject": " 248289 "})
        assert response.status_code == 302
        link = SsoLink.objects.get(user=colleague)
        assert (link.provider, link.subject, link.linked_by) == ("testid", "248289", lda)
        event = SecurityEvent.objects.get(event=SecurityEvent.Code.SSO_LINKED)
        assert (event.user, event.detail) == (colleague, "testid by lda")

        other = type(client)()
        other.force_login(colleague)
        assert UserSession.objects.filter(user=colleague).exists()
        assert client.post(unlink_url(link)).status_code == 302
        assert not SsoLink.objects.exists()
        event = SecurityEvent.objects.get(event=SecurityEvent.Code.SSO_UNLINKED)
        assert (event.user, event.detail) == (colleague, "testid by lda")
        assert not UserSession.objects.filter(user=colleague).exists()  # logged out everywhere

    def test_one_subject_names_one_user(self, client, sso, lda, colleague, basic_user):
        SsoLink.objects.create(user=basic_user, provider="testid", subject="248289")
        client.force_login(lda)
        response = client.post(link_url(colleague), {"provider": "testid", "subject": "248289"})
        assert response.status_code == 200
        assert "This identifier is already linked to another user." in response.content.decode()
        assert not SsoLink.objects.filter(user=colleague).exists()

    def test_one_subject_per_provider_for_a_user(self, client, sso, lda, colleague):
        SsoLink.objects.create(user=colleague, provider="testid", subject="1")
        client.force_login(lda)
        response = client.post(link_url(colleague), {"provider": "testid", "subject": "2"})
        assert "already has a login through Test ID" in response.content.decode()

    def test_a_provider_of_another_country_is_not_offered(self, client, settings, lda, colleague):
        settings.OIDC_PROVIDERS = [{**PROVIDER, "countries": ["BE"]}]  # colleague's: NL
        client.force_login(lda)
        assert client.get(link_url(colleague)).status_code == 404

    def test_a_service_account_has_no_login_to_link(self, client, sso, lda, authority):
        account = UserFactory(authority=authority, is_service_account=True)
        client.force_login(lda)
        assert client.get(link_url(account)).status_code == 404

    @pytest.mark.parametrize("who", OTHERS)
    def test_others_get_404(self, request, client, sso, colleague, who):
        link = SsoLink.objects.create(user=colleague, provider="testid", subject="1")
        client.force_login(request.getfixturevalue(who))
        assert client.get(link_url(colleague)).status_code == 404
        assert (
            client.post(link_url(colleague), {"provider": "testid", "subject": "9"}).status_code
            == 404
        )
        assert client.post(unlink_url(link)).status_code == 404
        assert SsoLink.objects.get() == link

    def test_the_user_cannot_link_their_own_login(self, client, sso, colleague):
        client.force_login(colleague)
        response = client.post(link_url(colleague), {"provider": "testid", "subject": "9"})
        assert response.status_code == 404
        assert not SsoLink.objects.exists()

    def test_anonymous_visitors_are_sent_to_login(self, client, sso, colleague):
        link = SsoLink.objects.create(user=colleague, provider="testid", subject="1")
        for response in (client.get(link_url(colleague)), client.post(unlink_url(link))):
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        assert SsoLink.objects.exists()

    def test_the_callback_without_a_login_in_progress_is_refused(self, client, sso):
        url = reverse("accounts:sso_callback", kwargs={"provider_id": "testid"})
        response = client.get(url + "?code=abc&state=forged")
        assert response.status_code == 403
        assert "did not succeed" in response.content.decode()
        event = SecurityEvent.objects.get()
        assert event.event == SecurityEvent.Code.LOGIN_FAILED
        assert event.detail.startswith("sso testid: refused (mismatching_state")


def test_the_unlink_page_asks_first(client, sso, lda, colleague):
    link = SsoLink.objects.create(user=colleague, provider="testid", subject="1")
    client.force_login(lda)
    page = client.get(unlink_url(link)).content.decode()
    assert "Unlink the login of Tessa" in page and "through Test ID?" in page
    assert SsoLink.objects.exists()
