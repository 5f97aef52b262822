"""``openimi network_admin``: the first network administrator is made on the command line, logs
in with the temporary password, chooses a password and a security code, and is then a user of
no authority holding the role."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from openimi.access import policy
from openimi.access.actions import Action
from openimi.accounts import operators
from openimi.accounts.models import Role, SecurityEvent, User
from openimi.common.errors import ApplicationError
from openimi.notifications.models import OutboxMessage
from tests.accounts.conftest import is_logged_in, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Maasdijk-Lente-2010"
NEW_CODE = "Tr0mp3t!huis"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def run(*args) -> str:
    out = io.StringIO()
    call_command("network_admin", *args, stdout=out)
    return out.getvalue()


def create(username="operator", *extra) -> str:
    return run(
        "create",
        "--username",
        username,
        "--email",
        f"{username}@example.eu",
        "--first-name",
        "Ada",
        "--last-name",
        "Operator",
        *extra,
    )


def password_in(output: str) -> str:
    return re.search(r"first login\): (\S+)$", output, re.M).group(1)


def test_create_makes_a_user_of_no_authority_with_the_role():
    output = create("operator", "--language", "nl")
    user = User.objects.get(username="operator")
    assert user.authority is None
    assert user.language == "nl"
    assert user.must_change_password
    assert user.status == User.Status.PENDING
    assert not user.has_security_code
    assert list(user.role_grants.values_list("role", "area")) == [
        (Role.NETWORK_ADMINISTRATOR, None)
    ]
    assert policy.can(user, Action.NETWORK_ADMINISTER)
    temporary = password_in(output)
    assert user.check_password(temporary)
    assert output.count(temporary) == 1
    assert SecurityEvent.objects.filter(
        user=user, event=SecurityEvent.Code.ACCOUNT_CREATED
    ).exists()
    assert temporary not in "".join(SecurityEvent.objects.values_list("detail", flat=True))


def test_the_temporary_password_works_at_the_login_then_password_and_code(client):
    temporary = password_in(create("operator"))
    response, positions = log_in(client, "operator", temporary, code=None)
    assert positions == ()
    assert response.url == reverse("accounts:setup_password")
    assert not is_logged_in(client)
    response = client.post(
        reverse("accounts:setup_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("accounts:setup_security_code")
    response = client.post(
        reverse("accounts:setup_security_code"), {"code1": NEW_CODE, "code2": NEW_CODE}
    )
    assert response.url == reverse("home")
    assert is_logged_in(client)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    user = User.objects.get(username="operator")
    assert not user.must_change_password and user.has_security_code
    assert user.status == User.Status.ACTIVE

    # The next login asks three characters of the code, as for everyone.
    client.logout()
    response, positions = log_in(client, "operator", NEW_PASSWORD, code=NEW_CODE)
    assert len(positions) == 3
    assert is_logged_in(client)


def test_create_with_mail_sends_the_password_and_prints_none(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = create("operator", "--mail")
    assert "e-mailed to operator@example.eu" in output
    assert "first login):" not in output
    message = OutboxMessage.objects.get(recipient_user__username="operator")
    assert "operator of this installation" in message.body_text
    assert "local data administrator of" not in message.body_text
    assert mail.outbox == [] or all("operator" in m.to[0] for m in mail.outbox)


def test_create_refuses_a_username_that_exists():
    UserFactory(username="operator")
    with pytest.raises(CommandError, match="taken"):
        create("Operator")
    assert User.objects.filter(username__iexact="operator").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("first_name", "Ada\x07", "control character"),
        ("last_name", "x" * 10_000, "at most"),
        ("email", "not an address", "valid e-mail"),
        ("username", "Ωμέγα", "lower-case letters"),
        ("language", "xx", "languages"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(field, value, error):
    values = {
        "username": "operator",
        "email": "op@example.eu",
        "first_name": "Ada",
        "last_name": "Operator",
        "language": "en",
        field: value,
    }
    with pytest.raises(ApplicationError, match=error) as refused:
        operators.network_administrator_create(**values)
    assert refused.value.field == field
    assert not User.objects.filter(username="operator").exists()


def test_greek_and_cyrillic_names_are_kept():
    created = operators.network_administrator_create(
        username="eleni",
        email="eleni@example.gr",
        first_name="Ελένη",
        last_name="Иванова",
        language="el",
    )
    created.user.refresh_from_db()
    assert created.user.get_full_name() == "Ελένη Иванова"


def test_grant_and_revoke(lda):
    create("operator")
    assert "is now a network administrator" in run("grant", lda.username)
    assert "already" in run("grant", lda.username)
    lda.refresh_from_db()
    assert policy.can(User.objects.get(pk=lda.pk), Action.NETWORK_ADMINISTER)
    assert "no longer" in run("revoke", lda.username)
    assert not policy.can(User.objects.get(pk=lda.pk), Action.NETWORK_ADMINISTER)
    assert "was not" in run("revoke", lda.username)
    assert (
        SecurityEvent.objects.filter(
            user=lda, event=SecurityEvent.Code.ROLES_CHANGED, detail__contains="command line"
        ).count()
        == 2
    )


def test_revoke_keeps_the_last_network_administrator():
    create("operator")
    with pytest.raises(CommandError, match="last network administrator"):
        run("revoke", "operator")
    assert policy.can(User.objects.get(username="operator"), Action.NETWORK_ADMINISTER)


def test_grant_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="no user"):
        run("grant", "nobody")


def test_list(lda):
    assert "no network administrator" in run("list")
    create("operator")
    run("grant", lda.username)
    listed = run("list").splitlines()
    assert [line.split("\t")[0] for line in listed] == sorted(["operator", lda.username])
    assert any(lda.authority.official_name in line for line in listed)
