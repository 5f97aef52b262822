"""People who left (issue 19 item 6): USERS_ANONYMISE_AFTER_DAYS after a user was deleted,
their name, e-mail, telephone and department go; the history goes on naming them under a
stable pseudonym, "Former user <number>"."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from openimi.accounts.models import SecurityEvent, User
from openimi.accounts.security_log import security_event_record
from openimi.accounts.services import users_anonymise
from openimi.accounts.users import services as user_services
from openimi.exchange import services
from openimi.exchange.workflow import State
from openimi.retention.tasks import retention_daily_task
from tests.factories import UserFactory
from tests.reports.conftest import docx_text


def _deleted(world, name: str, days_ago: int) -> User:
    user = world[name]
    user_services.user_delete(actor=world["lda"], user=user)
    User.objects.filter(pk=user.pk).update(deactivated_at=timezone.now() - timedelta(days=days_ago))
    return User.objects.get(pk=user.pk)


def test_deleting_records_when(world):
    user = _deleted(world, "basic", 0)
    assert user.status == User.Status.INACTIVE and user.deactivated_at is not None


def test_only_those_deleted_longer_ago_than_the_period(world, settings):
    settings.USERS_ANONYMISE_AFTER_DAYS = 30
    old = _deleted(world, "basic", 31)
    recent = _deleted(world, "supervisor", 29)
    assert users_anonymise() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone, old.department) == (
        "",
        f"#{old.pk}",
        "",
        "",
        "",
    )
    assert old.username == f"former-{old.pk}"
    assert old.get_full_name() == f"Former user {old.pk}"
    assert not old.has_usable_password()
    assert recent.anonymised_at is None and recent.email
    assert world["handler"].email  # active users are never touched
    assert users_anonymise() == 0  # once


def test_the_history_names_the_pseudonym(client, world, make_request, settings):
    settings.USERS_ANONYMISE_AFTER_DAYS = 30
    draft = make_request(State.DRAFT)
    leaver = world["handler"]
    full_name = leaver.get_full_name()
    services.requests_hand_over(actor=world["lda"], leaver=leaver, colleague=world["handler2"])
    leaver = _deleted(world, "handler", 40)
    users_anonymise()
    client.force_login(world["handler2"])
    page = client.get(reverse("exchange:detail", kwargs={"pk": draft.pk})).text
    assert full_name not in page
    report = client.get(reverse("reports:full_report", kwargs={"pk": draft.pk}))
    text = docx_text(report.content)
    assert f"Former user {leaver.pk}" in text  # who created the draft, in the history
    assert full_name not in text


def test_the_security_log_keeps_the_pseudonym(world, settings):
    settings.USERS_ANONYMISE_AFTER_DAYS = 30
    leaver = world["basic"]
    old = leaver.username
    security_event_record(event=SecurityEvent.Code.LOGIN_FAILED, username=old)
    security_event_record(
        event=SecurityEvent.Code.PASSWORD_RESET, user=world["lda"], detail=f"by {old}"
    )
    security_event_record(
        event=SecurityEvent.Code.PASSWORD_RESET, user=world["lda"], detail=f"by {old}x"
    )
    _deleted(world, "basic", 31)
    users_anonymise()
    new = f"former-{leaver.pk}"
    assert not SecurityEvent.objects.filter(username_attempted=old).exists()
    assert SecurityEvent.objects.filter(username_attempted=new).count() >= 2
    details = set(SecurityEvent.objects.values_list("detail", flat=True))
    assert f"by {new}" in details and f"by {old}x" in details  # another name is left alone
    assert SecurityEvent.objects.filter(
        user=leaver, event=SecurityEvent.Code.ACCOUNT_ANONYMISED
    ).exists()


def test_an_invitation_never_used_for_the_period_goes_too(world, settings):
    settings.USERS_ANONYMISE_AFTER_DAYS = 30
    invited = UserFactory(authority=world.requesting, status=User.Status.PENDING, last_login=None)
    User.objects.filter(pk=invited.pk).update(date_joined=timezone.now() - timedelta(days=31))
    fresh = UserFactory(authority=world.requesting, status=User.Status.PENDING, last_login=None)
    assert users_anonymise() == 1
    invited.refresh_from_db()
    fresh.refresh_from_db()
    assert invited.status == User.Status.INACTIVE and invited.anonymised_at is not None
    assert fresh.status == User.Status.PENDING and fresh.anonymised_at is None


def test_the_daily_job_runs_it(world, settings):
    settings.USERS_ANONYMISE_AFTER_DAYS = 30
    old = _deleted(world, "basic", 31)
    retention_daily_task.call()
    old.refresh_from_db()
    assert old.anonymised_at is not None
