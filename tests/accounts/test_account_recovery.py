"""Getting a colleague back in (issue 15, item 12): a locked user shows as locked and the local
data administrator unlocks them; a forgotten security code is reset and the user chooses a new
one at the next login, on a page that says so instead of asking for characters of a code that
does not exist; the user details sheet of an active user promises no temporary password."""

import re

import pytest
from django.urls import reverse

from openimi.accounts.models import SecurityEvent, User, UserSession
from openimi.reports import documents
from tests.accounts.conftest import (
    CODE,
    PASSWORD,
    TEMPORARY_PASSWORD,
    characters_of,
    is_logged_in,
    log_in,
    make_user,
    positions_on,
    step1,
)
from tests.factories import LanguageFactory
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

NEW_CODE = "N1euwe#Code9"
OTHERS = ["basic_user", "handler", "allocator", "supervisor", "other_lda"]


@pytest.fixture(autouse=True)
def english(db):
    return LanguageFactory(code="en", names={"en": "English", "nl": "Engels"})


@pytest.fixture
def colleague(authority):
    return make_user("tessa", authority=authority)


def lock(client, user, settings) -> None:
    """Lock ``user`` out the way it happens: wrong security codes up to the limit."""
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, user.username, wrong_code=True)
    assert step1(client, user.username, PASSWORD).status_code == 429


def status_cell(page: str, user: User) -> str:
    """The Status cell of ``user``'s row in the list of users (after first name, e-mail,
    telephone, department and user name)."""
    row = re.search(
        rf'<tr class="govuk-table__row">\s*<th scope="row"[^>]*>{re.escape(user.last_name)}</th>'
        r"(.*?)</tr>",
        page,
        re.S,
    ).group(1)
    return re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)[5]


def url(name, user):
    return reverse(name, kwargs={"pk": user.pk})


class TestLockedUsers:
    def test_the_list_shows_a_locked_user_as_locked(self, client, lda, colleague, settings):
        lock(client, colleague, settings)
        client.force_login(lda)
        page = client.get(reverse("users:list")).content.decode()
        assert "Locked" in status_cell(page, colleague)
        assert "Locked" not in status_cell(page, lda)
        assert url("users:unlock", colleague) in page
        assert url("users:unlock", lda) not in page
        details = client.get(url("users:details", colleague)).content.decode()
        assert "Locked" in details and url("users:unlock", colleague) in details

    def test_the_administrator_unlocks_and_the_user_logs_in(self, client, lda, colleague, settings):
        lock(client, colleague, settings)
        client.force_login(lda)
        confirm = client.get(url("users:unlock", colleague))
        assert confirm.status_code == 200
        assert "Unlock" in confirm.content.decode()
        response = client.post(url("users:unlock", colleague), follow=True)
        assert response.redirect_chain[-1][0] == url("users:details", colleague)
        assert f"{colleague.get_full_name()} can log in again." in response.content.decode()
        event = SecurityEvent.objects.get(user=colleague, event="account.unlocked")
        assert event.detail == f"by {lda.username}"
        page = client.get(reverse("users:list")).content.decode()
        assert "Locked" not in status_cell(page, colleague)

        client.logout()
        logged, _positions = log_in(client, colleague.username)
        assert logged.status_code == 302 and logged.url == reverse("home")

    def test_a_user_who_is_not_locked_has_nothing_to_unlock(self, client, lda, colleague):
        client.force_login(lda)
        response = client.post(url("users:unlock", colleague), follow=True)
        assert "is not locked" in response.content.decode()
        assert not SecurityEvent.objects.filter(event="account.unlocked").exists()

    @pytest.mark.parametrize("who", OTHERS)
    def test_others_get_404(self, request, client, colleague, who, settings):
        lock(client, colleague, settings)
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("users:unlock", colleague)).status_code == 404
        assert client.post(url("users:unlock", colleague)).status_code == 404
        client.logout()
        assert step1(client, colleague.username, PASSWORD).status_code == 429

    def test_anonymous_visitors_are_sent_to_login(self, client, colleague):
        for response in (
            client.get(url("users:unlock", colleague)),
            client.post(url("users:unlock", colleague)),
        ):
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))


class TestSecurityCodeReset:
    def test_reset_then_the_user_chooses_a_new_code_at_the_next_login(self, client, lda, colleague):
        other = type(client)()
        log_in(other, colleague.username)
        assert is_logged_in(other)

        client.force_login(lda)
        confirm = client.get(url("users:reset_security_code", colleague)).content.decode()
        assert "Reset the security code of" in confirm
        response = client.post(url("users:reset_security_code", colleague), follow=True)
        assert response.redirect_chain[-1][0] == url("users:details", colleague)
        assert "chooses a new one at the next login" in response.content.decode()
        colleague.refresh_from_db()
        assert not colleague.has_security_code
        assert colleague.check_password(PASSWORD)  # the password stays
        assert not is_logged_in(other), "their sessions ended"
        assert not UserSession.objects.filter(user=colleague).exists()
        event = SecurityEvent.objects.get(user=colleague, event="security_code.reset")
        assert event.detail == f"by {lda.username}"

        # The next login: password, a page that explains, then the new code.
        client.logout()
        assert step1(client, colleague.username, PASSWORD).url == reverse("accounts:login_code")
        page = client.get(reverse("accounts:login_code"))
        text = page.content.decode()
        assert positions_on(page) == ()
        assert "choose a new security code" in text
        assert "Character" not in text
        chosen = client.post(reverse("accounts:login_code"), {})
        assert chosen.url == reverse("accounts:setup_security_code")
        done = client.post(
            reverse("accounts:setup_security_code"), {"code1": NEW_CODE, "code2": NEW_CODE}
        )
        assert done.status_code == 302 and is_logged_in(client)

        client.logout()
        again, _positions = log_in(client, colleague.username, code=NEW_CODE)
        assert again.status_code == 302 and again.url == reverse("home")

    def test_the_own_code_is_changed_on_my_account(self, client, lda):
        client.force_login(lda)
        page = client.get(url("users:reset_security_code", lda)).content.decode()
        assert "My account" in page
        response = client.post(url("users:reset_security_code", lda))
        assert response.status_code == 200
        assert "To change your own security code, go to My account." in response.content.decode()

    @pytest.mark.parametrize("who", OTHERS)
    def test_others_get_404(self, request, client, colleague, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("users:reset_security_code", colleague)).status_code == 404
        assert client.post(url("users:reset_security_code", colleague)).status_code == 404
        colleague.refresh_from_db()
        assert colleague.has_security_code

    def test_anonymous_visitors_are_sent_to_login(self, client, colleague):
        response = client.post(url("users:reset_security_code", colleague))
        assert response.url.startswith(reverse("accounts:login"))
        colleague.refresh_from_db()
        assert colleague.has_security_code


class TestNewCodePage:
    def test_the_first_login_explains_that_a_code_is_being_chosen(self, client, authority):
        make_user(
            "pieter",
            password=TEMPORARY_PASSWORD,
            code=None,
            status=User.Status.PENDING,
            must_change_password=True,
            authority=authority,
        )
        step1(client, "pieter", TEMPORARY_PASSWORD)
        page = client.get(reverse("accounts:login_code"))
        text = page.content.decode()
        assert positions_on(page) == ()
        assert "You have no security code yet" in text
        assert 'name="character_1"' not in text
        assert client.post(reverse("accounts:login_code"), {}).url == reverse(
            "accounts:setup_password"
        )

    def test_the_new_code_page_in_dutch(self, client, authority):
        make_user("pieter", code=None, authority=authority, language="nl")
        client.cookies.load({"django_language": "nl"})
        step1(client, "pieter", PASSWORD)
        text = client.get(reverse("accounts:login_code")).content.decode()
        assert "U hebt nog geen veiligheidscode" in text

    def test_a_wrong_password_still_fails_and_counts(self, client, authority):
        make_user("pieter", code=None, authority=authority)
        step1(client, "pieter", "not-the-password")
        response = client.post(reverse("accounts:login_code"), {})
        assert response.status_code == 200
        assert "The username, password or security code is not correct." in (
            response.content.decode()
        )
        assert not is_logged_in(client)
        assert SecurityEvent.objects.filter(event="login.failed", detail="password").exists()

    def test_a_user_with_a_code_is_still_asked_three_characters(self, client, colleague):
        step1(client, colleague.username, PASSWORD)
        page = client.get(reverse("accounts:login_code"))
        positions = positions_on(page)
        assert len(positions) == 3
        response = client.post(reverse("accounts:login_code"), characters_of(CODE, positions))
        assert response.url == reverse("home")


class TestUserDetailsSheet:
    def test_an_active_user_is_promised_no_temporary_password(self, client, lda, colleague):
        text = docx_text(documents.user_details(user=colleague, language="en"))
        assert "temporary password" not in text.lower()
        assert "Log in at" in text
        client.force_login(lda)
        page = client.get(url("users:details", colleague)).content.decode()
        assert "temporary password" not in page.lower()

    def test_a_pending_user_is_told_about_the_temporary_password(self, authority):
        pending = make_user("nieuw", code=None, status=User.Status.PENDING, authority=authority)
        text = docx_text(documents.user_details(user=pending, language="en"))
        assert "Your temporary password comes by e-mail" in text
        assert "Log in at" in text


def test_the_new_pages_speak_dutch(client, lda, colleague, settings):
    lock(client, colleague, settings)
    client.force_login(lda)
    client.cookies.load({"django_language": "nl"})
    name = colleague.get_full_name()
    listing = client.get(reverse("users:list")).content.decode()
    assert "Geblokkeerd" in status_cell(listing, colleague)
    assert "Deblokkeren<span" in listing
    unlock = client.get(url("users:unlock", colleague)).content.decode()
    assert f"{name} deblokkeren?" in unlock
    assert "Deblokkeer alleen als u zeker weet" in unlock
    reset = client.get(url("users:reset_security_code", colleague)).content.decode()
    assert f"De veiligheidscode van {name} resetten?" in reset
    done = client.post(url("users:unlock", colleague), follow=True).content.decode()
    assert f"{name} kan weer inloggen." in done
