"""Practice sets (the seed's FICTIEF) end: after their last day nobody can choose them for a
new request or a draft; the requests made with them keep them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from openimi.common.errors import ApplicationError
from openimi.exchange import selectors, services
from openimi.exchange.models import InformationRequest


def _end(question_set, days_from_today: int) -> None:
    question_set.available_until = timezone.localdate() + dt.timedelta(days=days_from_today)
    question_set.save()


def test_offered_up_to_and_including_its_last_day(world):
    _end(world.practice_set, 0)
    assert world.practice_set in selectors.question_set_list(area=world.area)
    _end(world.practice_set, -1)
    offered = list(selectors.question_set_list(area=world.area))
    assert world.practice_set not in offered and world.question_set in offered


def test_a_new_draft_or_a_draft_change_cannot_choose_it(world, make_request):
    _end(world.practice_set, -1)
    with pytest.raises(ApplicationError, match="could be chosen until") as refused:
        services.request_create_draft(
            actor=world["handler"], area=world.area, question_set=world.practice_set
        )
    assert refused.value.field == "question_set"
    assert not InformationRequest.objects.exists()
    draft = make_request()
    with pytest.raises(ApplicationError, match="Choose another question set"):
        services.request_update_draft(
            info_request=draft, actor=world["handler"], question_set=world.practice_set
        )
    draft.refresh_from_db()
    assert draft.question_set == world.question_set


def test_a_request_made_with_it_keeps_it(world, make_request):
    practice = make_request(practice=True)
    _end(world.practice_set, -1)
    practice.refresh_from_db()
    assert practice.question_set == world.practice_set and practice.is_practice
    # Editing other parts of that draft goes on.
    services.request_update_draft(
        info_request=practice, actor=world["handler"], justification="Still practising."
    )


def test_the_compose_page_names_the_last_day_and_drops_it_after(client, world):
    _end(world.practice_set, 10)
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:compose")).text
    assert "available until" in page
    _end(world.practice_set, -1)
    page = client.get(reverse("exchange:compose")).text
    assert "FICTITIOUS" not in page
    response = client.post(reverse("exchange:compose"), {"question_set": world.practice_set.pk})
    assert response.status_code == 200
    assert not InformationRequest.objects.exists()
