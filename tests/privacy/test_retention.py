"""Corrections and contest marks hold personal data (the old values, the reasons): the retention
job blocks and deletes them with the request's personal data, leaving no trace."""

from __future__ import annotations

import datetime as dt

import pytest

from openimi.exchange import services as exchange_services
from openimi.exchange.workflow import State
from openimi.privacy import services
from openimi.privacy.models import ContestMark, PersonalDataCorrection
from openimi.retention.models import BlockedPersonalData
from openimi.retention.schedule import add_months
from openimi.retention.services import RunResult, retention_run
from tests.exchange.conftest import PROVIDER_NAME
from tests.retention.test_lifecycle import dump_database

pytestmark = pytest.mark.django_db

NEW_NAME = "Bouwonderneming Pietersen B.V."
CORRECTION_REASON = "Pietersen showed the deed of the company name."
CONTEST_REASON = "Pietersen says the address in Den Bosch is old."
TRACES = [PROVIDER_NAME, NEW_NAME, CORRECTION_REASON, CONTEST_REASON]


@pytest.fixture
def corrected_request(world, make_request):
    info_request = make_request(State.ACCEPTED)
    services.personal_data_correct(
        info_request=info_request,
        actor=world["lda"],
        data={"provider_name": NEW_NAME},
        reason=CORRECTION_REASON,
    )
    services.personal_data_contest(
        info_request=info_request, actor=world["resp_lda"], reason=CONTEST_REASON
    )
    from tests.exchange.conftest import answer_all

    answer_all(world, info_request)
    exchange_services.request_answer(info_request=info_request, actor=world["resp_handler"])
    exchange_services.request_accept_answer(info_request=info_request, actor=world["handler"])
    info_request.refresh_from_db()
    return info_request


def test_deletion_leaves_no_old_value(corrected_request, clock, django_capture_on_commit_callbacks):
    info_request = corrected_request
    dump = dump_database()
    assert all(trace in dump for trace in TRACES)  # the search finds them before
    clock.now = add_months(info_request.closed_at, 6) + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run() == RunResult(deleted=1)
    dump = dump_database()
    for trace in TRACES:
        assert trace not in dump, trace
    # The accountability stays: who corrected which fields, when; that it was contested.
    correction = PersonalDataCorrection.objects.get(info_request=info_request)
    assert correction.fields == ["provider_name"] and correction.old_values == {}
    assert correction.cleared_at is not None
    mark = ContestMark.objects.get(info_request=info_request)
    assert mark.reason == "" and mark.removed_at is not None


def test_blocking_moves_them_into_the_vault(
    settings, corrected_request, clock, django_capture_on_commit_callbacks
):
    settings.RETENTION_LIFECYCLE = {"*": "block_then_delete"}
    info_request = corrected_request
    clock.now = add_months(info_request.closed_at, 6) + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run() == RunResult(blocked=1)
    payload = BlockedPersonalData.objects.get(info_request=info_request).payload
    [correction] = payload["privacy"]["corrections"]
    assert correction["old_values"] == {"provider_name": PROVIDER_NAME}
    assert payload["privacy"]["contest_marks"][0]["reason"] == CONTEST_REASON
    assert PersonalDataCorrection.objects.get(info_request=info_request).old_values == {}
    clock.now = add_months(info_request.closed_at, 36) + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run() == RunResult(deleted=1)
    dump = dump_database()
    for trace in TRACES:
        assert trace not in dump, trace
