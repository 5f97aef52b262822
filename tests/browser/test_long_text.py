"""A long unbroken text (a pasted link, 10,000 characters without a space) wraps: no page
that shows typed text grows wider than the window."""

import pytest

from openimi.authorities.models import Authority
from openimi.exchange.models import InformationRequest, PersonalData
from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401, F811 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNBROKEN = "https://example.org/" + "a" * 10_000
WIDTH = 1024


def test_long_unbroken_text_wraps(page, live_server, login_as, world, make_request):  # noqa: F811
    page.set_viewport_size({"width": WIDTH, "height": 800})
    accepted = make_request(State.ACCEPTED)
    draft = make_request(State.DRAFT)
    InformationRequest.objects.filter(pk__in=[accepted.pk, draft.pk]).update(justification=UNBROKEN)
    PersonalData.objects.filter(info_request=accepted).update(provider_name=UNBROKEN[:300])
    Authority.objects.filter(pk=world.requesting.pk).update(
        description=UNBROKEN, informal_title=UNBROKEN[:300]
    )
    login_as(world["handler"])
    for path in (
        f"/requests/{accepted.pk}/",
        f"/requests/{draft.pk}/compose/review/",
        f"/authorities/{world.requesting.pk}/",
        "/authorities/?q=Oeteldonk",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.get_by_text(UNBROKEN[:40]).first.is_visible(), path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{path} is {width} pixels wide"
