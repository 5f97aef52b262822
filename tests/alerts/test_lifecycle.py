"""The alert's whole life through the services: the state table, the events, the recipient
countries' progress, and the refusals (wrong step, wrong person)."""

import pytest

from openimi.alerts import services
from openimi.alerts.models import Alert, AlertEvent, AlertUpdate
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import RecipientState, State, TransitionNotAllowed
from openimi.common.errors import ApplicationError, PermissionDenied

from .conftest import pq_fields


def codes(alert):
    return list(
        AlertEvent.objects.filter(alert=alert)
        .exclude(audience="audit")
        .values_list("code", flat=True)
    )


def test_the_whole_life(world, distributed_alert):
    alert = distributed_alert
    assert alert.status == State.SENT
    assert alert.validating_coordinator == world.nl_alco
    assert sorted(alert.recipients.values_list("country_id", flat=True)) == ["DE", "FR", "PL"]
    de = alert.recipients.get(country="DE")
    assert de.status == RecipientState.DISTRIBUTED
    assert services.alert_mark_read(alert=alert, actor=world.de_reader) is True
    assert services.alert_mark_read(alert=alert, actor=world.de_reader) is False
    update = services.alert_propose_update(
        alert=alert, actor=world.sender_handler, text="The tribunal's appeal was rejected."
    )
    services.alert_validate_update(update=update, actor=world.nl_alco_user)
    services.alert_propose_closure(
        alert=alert, actor=world.sender_handler, reason="The ban was lifted on appeal."
    )
    closed = services.alert_validate_closure(alert=alert, actor=world.nl_alco_user)
    assert closed.status == State.CLOSED and closed.closed_at is not None
    assert codes(alert) == [
        "alert.created",
        "alert.draft_updated",
        "alert.submitted",
        "alert.validated",
        "alert.distributed",
        "alert.distributed",
        "alert.read",
        "alert.update_proposed",
        "alert.update_validated",
        "alert.closure_proposed",
        "alert.closed",
    ]
    assert AlertUpdate.objects.get(pk=update.pk).status == AlertUpdate.Status.VALIDATED


def test_an_incomplete_alert_cannot_be_submitted(world):
    alert = services.alert_create_draft(actor=world.sender_handler, alert_type=AlertType.PQ_HEALTH)
    with pytest.raises(services.IncompleteError) as refused:
        services.alert_submit(alert=alert, actor=world.sender_handler)
    assert {"personal.full_name", "personal.date_of_birth", "activity", "decision_date"} <= set(
        refused.value.problems
    )
    assert Alert.objects.get(pk=alert.pk).status == State.DRAFT


def test_a_services_alert_goes_to_the_chosen_countries_only(world):
    alert = services.alert_create_draft(
        actor=world.sender_handler,
        alert_type=AlertType.SERVICES,
        fields={"activity": "Asbestos removal", "description": "Unsafe removal of asbestos."},
        personal={"full_name": "Sloopbedrijf Snel BV"},
        countries=["DE"],
    )
    services.alert_submit(alert=alert, actor=world.sender_handler)
    services.alert_validate(alert=alert, actor=world.nl_alco_user)
    assert list(alert.recipients.values_list("country_id", flat=True)) == ["DE"]


def test_own_country_and_bad_dates_are_refused_and_nothing_is_written(world, pq_alert):
    with pytest.raises(ApplicationError) as refused:
        services.alert_save_draft(
            alert=pq_alert,
            actor=world.sender_handler,
            fields={"activity": "changed", "restriction_end": "2000-01-01"},
        )
    assert refused.value.field == "restriction_end"
    assert Alert.objects.get(pk=pq_alert.pk).activity == pq_fields()["activity"]


def test_returned_then_resubmitted(world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    services.alert_return(alert=pq_alert, actor=world.nl_alco_user, reason="Add the BIG number.")
    assert Alert.objects.get(pk=pq_alert.pk).status == State.DRAFT
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    with pytest.raises(TransitionNotAllowed):
        services.alert_submit(alert=pq_alert, actor=world.sender_handler)


@pytest.mark.parametrize(
    "who", ["sender_handler", "de_alco_user", "de_reader", "fr_reader", "sender_supervisor"]
)
def test_only_the_validating_coordinator_validates(world, pq_alert, who):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    with pytest.raises(PermissionDenied):
        services.alert_validate(alert=pq_alert, actor=getattr(world, who))


@pytest.mark.parametrize("who", ["nl_alco_user", "pl_alco_user", "de_reader", "sender_handler"])
def test_only_its_coordinator_acknowledges_a_country(world, sent_alert, who):
    recipient = sent_alert.recipients.get(country="DE")
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(recipient=recipient, actor=getattr(world, who))
    services.alert_acknowledge(recipient=recipient, actor=world.de_alco_user)


def test_distributing_to_an_authority_of_another_country_is_refused(world, sent_alert):
    recipient = sent_alert.recipients.get(country="DE")
    with pytest.raises(ApplicationError):
        services.alert_distribute(
            recipient=recipient, actor=world.de_alco_user, authorities=[world.pl_authority]
        )
    assert not recipient.distributions.exists()


def test_withdrawn_by_its_coordinator(world, sent_alert):
    services.alert_withdraw(alert=sent_alert, actor=world.nl_alco_user, reason="Sent in error.")
    assert Alert.objects.get(pk=sent_alert.pk).status == State.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        services.alert_acknowledge(
            recipient=sent_alert.recipients.get(country="DE"), actor=world.de_alco_user
        )


def test_restriction_end_reminds_once(world, pq_alert):
    import datetime as dt

    services.alert_save_draft(
        alert=pq_alert,
        actor=world.sender_handler,
        fields={"restriction_end": pq_alert.restriction_start + dt.timedelta(days=2)},
    )
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    later = pq_alert.restriction_start + dt.timedelta(days=10)
    assert services.alerts_remind_restriction_ended(today=later) == 1
    assert services.alerts_remind_restriction_ended(today=later) == 0


def test_the_three_day_rule(world, pq_alert, settings):
    import datetime as dt

    from openimi.alerts import deadlines

    decided = pq_alert.decision_date
    assert deadlines.sending_deadline(pq_alert) == decided + dt.timedelta(days=3)
    assert not deadlines.overdue(pq_alert, today=decided + dt.timedelta(days=3))
    assert deadlines.overdue(pq_alert, today=decided + dt.timedelta(days=4))


def test_control_characters_in_texts_are_dropped_not_stored(world, sent_alert):
    update = services.alert_propose_update(
        alert=sent_alert, actor=world.sender_handler, text="Appeal\x00 rejected\x1b[0m.\nDone"
    )
    assert AlertUpdate.objects.get(pk=update.pk).text == "Appeal rejected[0m.\nDone"
