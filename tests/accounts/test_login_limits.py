"""Brute force and lockout abuse (issue 16, item 3): a limit per client address as well as per
account, an account locked only for the addresses that failed, the owner and the local data
administrators told once per attack, the one client address, and argon2 at OWASP's cost."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client, RequestFactory
from django.urls import reverse

from openimi.accounts import selectors as account_selectors
from openimi.accounts.models import Role, SecurityEvent
from openimi.accounts.users import selectors as user_selectors
from openimi.accounts.users import services as user_services
from openimi.notifications.models import OutboxMessage
from tests.accounts.conftest import CODE, PASSWORD, is_logged_in, log_in, make_user, step1
from tests.factories import UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401
from tests.smtp import smtp_sink  # noqa: F401

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"
UNDER_ATTACK = "account.under_attack"


def _at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _fail(client, username, times):
    last = None
    for _ in range(times):
        last, _ = log_in(client, username, "not-the-password", CODE)
    return last


class TestPerAddress:
    def test_the_owner_logs_in_from_elsewhere_while_the_attackers_address_is_locked(self, user):
        attacker = _at(ATTACKER)
        assert _fail(attacker, user.username, 5).status_code == 429
        refused = step1(attacker, user.username, PASSWORD)
        assert refused.status_code == 429
        # The page says what is blocked: this place, not the name everywhere.
        assert "logging in from this computer or network is blocked" in refused.content.decode()

        owner = _at(OFFICE)
        response, _ = log_in(owner, user.username)
        assert response.status_code == 302 and response.url == reverse("home")
        assert is_logged_in(owner)
        # The owner's success does not wipe the attacker's record: still locked there.
        assert step1(attacker, user.username, PASSWORD).status_code == 429

    def test_the_refusal_is_in_the_visitors_language(self, user):
        attacker = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="nl")
        _fail(attacker, user.username, 5)
        refused = step1(attacker, user.username, PASSWORD)
        assert refused.status_code == 429
        assert "inloggen vanaf deze computer of dit netwerk" in refused.content.decode()

    def test_rotating_the_browser_does_not_help(self, user):
        for agent in ("a", "b", "c", "d", "e"):
            _fail(Client(REMOTE_ADDR=ATTACKER, HTTP_USER_AGENT=agent), user.username, 1)
        refused = step1(Client(REMOTE_ADDR=ATTACKER, HTTP_USER_AGENT="f"), user.username, PASSWORD)
        assert refused.status_code == 429

    def test_one_address_trying_many_names_is_stopped(self, user, settings):
        # Password spraying: one guess per name stays under the per-name limit, the address
        # limit stops it, and only for that address.
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        assert limit == 20
        sprayer = _at(ATTACKER)
        for number in range(limit):
            response, _ = log_in(sprayer, f"first.last{number}", "Welcome2024!", CODE)
            assert response.status_code == 200, number
        refused = step1(sprayer, user.username, PASSWORD)
        assert refused.status_code == 429
        assert "Too many attempts" in refused.content.decode()
        assert SecurityEvent.objects.filter(
            event=SecurityEvent.Code.LOGIN_REFUSED_LOCKED, ip_address=ATTACKER
        ).exists()
        response, _ = log_in(_at(OFFICE), user.username)
        assert response.url == reverse("home")

    def test_the_address_limit_is_a_setting(self, user, settings):
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
        sprayer = _at(ATTACKER)
        for number in range(3):
            log_in(sprayer, f"name{number}", "x", CODE)
        assert step1(sprayer, "someone-else", "x").status_code == 429


@pytest.mark.parametrize(
    "name", ["x" * 10_000, "bram\x00\x1b[31m", "Ολυμπία.Παπαδοπούλου", "  BRAM  ", "\u202ebram"]
)
def test_names_from_the_wild_are_counted_without_an_error(user, name):
    attacker = _at(ATTACKER)
    for _ in range(5):
        response = step1(attacker, name, "not-the-password")
        assert response.status_code in (200, 302, 429), response.status_code
        if response.status_code == 302:
            page = attacker.get(response.url)
            assert page.status_code == 200
            attacker.post(reverse("accounts:login_code"), {"character_1": "a"})
    # Whatever was typed, the owner still logs in from elsewhere.
    response, _ = log_in(_at(OFFICE), user.username)
    assert response.url == reverse("home")


class TestAttemptsPerMinute:
    """Step 1 costs a password hash right or wrong: an address gets so many a minute."""

    def test_a_flood_from_one_address_is_paused_before_hashing(self, user, settings, clock):
        settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
        flood = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="nl")
        for name in ("a.one", "b.two", "c.three"):
            assert step1(flood, name, "whatever-password").status_code == 302
        paused = step1(flood, user.username, PASSWORD)
        assert paused.status_code == 429
        assert 0 < int(paused["Retry-After"]) <= 120
        assert "te veel inlogpogingen" in paused.content.decode().lower()
        # Nothing was counted against the name: it was never tried.
        assert not SecurityEvent.objects.filter(username_attempted=user.username).exists()
        # Another address logs in as usual, and the paused one may go on a minute later.
        response, _ = log_in(_at(OFFICE), user.username)
        assert response.status_code == 302 and response.url == reverse("home")
        clock.advance(seconds=121)
        response, _ = log_in(flood, user.username)
        assert response.status_code == 302 and response.url == reverse("home")


class TestPerAccount:
    def test_many_addresses_lock_the_account_for_unknown_addresses_only(self, user, settings):
        # First the owner logs in from the office, which makes it a known address.
        office = _at(OFFICE)
        response, _ = log_in(office, user.username)
        assert response.url == reverse("home")
        office.post(reverse("accounts:logout"))

        limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        assert limit == 20
        for number in range(limit // 2):
            _fail(_at(f"192.0.2.{number + 1}"), user.username, 2)
        # A fresh address, right password and code: refused, the account is under attack.
        assert step1(_at("192.0.2.200"), user.username, PASSWORD).status_code == 429
        # The owner's own address still gets in.
        response, _ = log_in(office, user.username)
        assert response.status_code == 302 and response.url == reverse("home")

    def test_an_account_locked_from_many_addresses_shows_as_locked_and_unlocks(self, user, lda):
        for number in range(10):
            _fail(_at(f"192.0.2.{number + 1}"), user.username, 2)  # under 5 per address
        assert user_selectors.locked_usernames(usernames=[user.username]) == {user.username}

        user_services.user_unlock(actor=lda, user=user)
        assert user_selectors.locked_usernames(usernames=[user.username]) == set()
        response, _ = log_in(_at("192.0.2.200"), user.username)
        assert response.url == reverse("home")

    def test_failures_under_every_limit_lock_nobody_anywhere(self, user):
        # 6 failures in all, 3 from each of two addresses: no rule is met, so the users list
        # and the allocation (which leaves out locked handlers) agree that nobody is locked.
        for address in (ATTACKER, OFFICE):
            _fail(_at(address), user.username, 3)
        assert user_selectors.locked_usernames(usernames=[user.username]) == set()
        assert not account_selectors.locked_usernames().filter(username=user.username).exists()
        _fail(_at(OFFICE), user.username, 2)
        assert user_selectors.locked_usernames(usernames=[user.username]) == {user.username}
        assert account_selectors.locked_usernames().filter(username=user.username).exists()

    def test_locked_users_show_as_locked_to_the_administrator(self, user):
        _fail(_at(ATTACKER), user.username, 5)
        assert user_selectors.locked_usernames(usernames=[user.username]) == {user.username}
        assert user_selectors.locked_usernames(usernames=["nobody"]) == set()


class TestAttackIsTold:
    def _admins(self, authority):
        return [
            UserFactory(
                authority=authority,
                username=name,
                email=f"{name}@oeteldonk.nl",
                language=language,
                roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)],
            )
            for name, language in (("lda.nl", "nl"), ("lda.en", "en"))
        ]

    def test_the_user_and_the_administrators_get_one_mail_per_attack(self, user, authority):
        admins = self._admins(authority)
        _fail(_at(ATTACKER), user.username, 5)
        _fail(_at("203.0.113.67"), user.username, 5)  # the same attack, another address

        mails = OutboxMessage.objects.filter(event_code=UNDER_ATTACK)
        assert sorted(m.recipient_email for m in mails) == sorted(
            [user.email, *(a.email for a in admins)]
        )
        by_address = {m.recipient_email: m for m in mails}
        dutch = by_address["lda.nl@oeteldonk.nl"]
        assert dutch.language == "nl"
        assert dutch.subject.startswith("Iemand probeert in te loggen als")
        assert user.get_full_name() in dutch.body_text
        owner_mail = by_address[user.email]
        assert owner_mail.language == user.language == "en"
        assert owner_mail.subject == "Someone is trying to log in to your openimi account"
        assert "You can still log in from your usual workplace" in owner_mail.body_text
        # Written at the first lock (once per attack): five failures from one address.
        assert "failed 5 times. The attempts came from 1 address." in owner_mail.body_text
        assert "De pogingen kwamen van 1 adres." in dutch.body_text
        for mail in mails:
            assert "not-the-password" not in mail.body_text
            assert PASSWORD not in mail.body_text
            assert user.username not in mail.body_text  # handed over outside openimi

    def test_a_later_attack_is_told_again(self, user, authority, clock, settings):
        self._admins(authority)
        _fail(_at(ATTACKER), user.username, 5)
        clock.advance(minutes=settings.LOGIN_COOLOFF.total_seconds() / 60 + 1)
        _fail(_at(ATTACKER), user.username, 5)
        told = OutboxMessage.objects.filter(event_code=UNDER_ATTACK, recipient_user=user)
        assert told.count() == 2

    def test_an_attack_from_many_addresses_is_told_too(self, user, authority, settings):
        # No address reaches its own limit; the account's limit tells.
        self._admins(authority)
        for number in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT // 4):
            _fail(_at(f"192.0.2.{number + 1}"), user.username, 4)
        assert not SecurityEvent.objects.filter(
            event=SecurityEvent.Code.ACCOUNT_LOCKED, detail="for this address"
        ).exists()
        told = OutboxMessage.objects.filter(event_code=UNDER_ATTACK)
        assert told.count() == 3  # the user and two administrators, once
        assert (
            SecurityEvent.objects.get(event=SecurityEvent.Code.ACCOUNT_LOCKED, user=user).detail
            == "for unknown addresses"
        )

    def test_names_that_are_no_account_mail_nobody(self, authority):
        self._admins(authority)
        _fail(_at(ATTACKER), "nobody.here", 5)
        assert not OutboxMessage.objects.filter(event_code=UNDER_ATTACK).exists()

    @pytest.mark.django_db(transaction=True)
    def test_the_mail_goes_out(self, user, authority, run_worker, smtp_sink):  # noqa: F811
        _fail(_at(ATTACKER), user.username, 5)
        run_worker()
        [received] = [m for m in smtp_sink.messages if m["To"] == user.email]
        body = received.get_body(("plain",)).get_content()
        assert "5" in body
        assert user.username not in body


def client_address(request):
    from openimi.common.net import client_address

    return client_address(request)


class TestClientAddress:
    def test_without_a_trusted_proxy_the_peer_address_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
        assert client_address(request) == "10.0.0.1"

    @pytest.mark.parametrize(
        ("count", "forwarded", "expected"),
        [
            (1, "6.6.6.6, 192.0.2.7", "192.0.2.7"),  # the proxy appended the real client
            (2, "6.6.6.6, 192.0.2.7, 10.0.0.5", "192.0.2.7"),
            (1, "", "10.0.0.1"),  # no header: the peer
            (2, "192.0.2.7", "192.0.2.7"),  # fewer hops: the furthest address a proxy saw
            (1, "not-an-address", "10.0.0.1"),
            (1, " 2001:DB8::1 ", "2001:db8::1"),
        ],
    )
    def test_behind_trusted_proxies(self, settings, count, forwarded, expected):
        settings.TRUSTED_PROXY_COUNT = count
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        assert client_address(request) == expected

    def test_the_login_limits_and_the_security_log_use_it(self, user, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        proxy = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")
        assert _fail(proxy, user.username, 5).status_code == 429
        event = SecurityEvent.objects.filter(event=SecurityEvent.Code.LOGIN_FAILED).first()
        assert event.ip_address == ATTACKER
        # Another client behind the same proxy is not locked.
        colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=OFFICE)
        response, _ = log_in(colleague, user.username)
        assert response.url == reverse("home")


class TestArgon2:
    @pytest.fixture(autouse=True)
    def _production_hashers(self, settings):
        # The tests' conftest puts a fast hasher first; take the project's own list.
        from openimi import settings as project_settings

        settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    def test_new_hashes_use_the_owasp_parameters(self):
        encoded = make_password("Kanaal-Oeteldonk-2009")
        assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password("Kanaal-Oeteldonk-2009", encoded)

    def test_an_old_hash_still_works_and_is_upgraded_at_login(self, authority):
        from django.contrib.auth.hashers import Argon2PasswordHasher

        user = make_user(authority=authority, code=CODE)
        old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
        assert "m=102400,t=2,p=8" in old
        user.password = old
        user.save(update_fields=["password"])
        assert identify_hasher(old).must_update(old)

        response, _ = log_in(_at(OFFICE), user.username)
        assert response.url == reverse("home")
        user.refresh_from_db()
        assert "m=19456,t=2,p=1" in user.password
