"""The checklist's last item: a first practice request sent with the FICTITIOUS set."""

import pytest

from openimi.exchange.workflow import State
from openimi.onboarding import checklist

pytestmark = pytest.mark.django_db


def _done(user):
    items = checklist.checklist(user=user, authority=user.authority)
    return next(item for item in items if item.code == checklist.PRACTICE_REQUEST).done


def test_practice_request(world, make_request):
    lda = world["lda"]
    make_request(State.AWAITING_ACCEPTANCE)  # a real one does not count
    make_request(State.DRAFT, practice=True)  # a draft is not sent
    assert not _done(lda)
    make_request(State.AWAITING_ACCEPTANCE, practice=True)
    assert _done(lda)
