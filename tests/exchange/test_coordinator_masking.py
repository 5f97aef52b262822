"""A coordinator reads free text with the request's personal data masked (issue 16, item 2):
the justification, the answers, the notes of the timeline and the mediation thread, on the
page and in the API. The parties read it as typed. The fields a coordinator may read say so.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from openimi.exchange import events, services
from openimi.exchange.models import Answer, InformationRequest, PersonalData
from openimi.exchange.workflow import State
from openimi.privacy.masking import skeleton
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

NL_MARK = "[personal data]"  # force_login: the page speaks English
EN_MARK = "[personal data]"
HINT = "Do not write personal data here"

PROVIDER = {
    "provider_name": "Bouwbedrijf Jänssen B.V.",
    "contact_person": "Jan-Willem de Vries",
    "registration_number": "12345678",
    "vat_number": "NL123456789B01",
    "email": "jw@jaenssen-bouw.example",
    "phone": "+31 6 1234 5678",
    "street": "Dorpsstraat 12",
    "postal_code": "1234 AB",
    "city": "Zwanenburg",
    "date_of_birth": dt.date(1980, 3, 15),
}
# Each as someone types it: other case, no accents, other spacing and punctuation.
TYPED = [
    "BOUWBEDRIJF JANSSEN BV",
    "jan willem de vries",
    "1234.5678",
    "nl 1234 5678 9 b01",
    "JW@jaenssen-bouw.example",
    "06-12345678",
    "dorpsstraat 12",
    "1234ab",
    "ZWANENBURG",
    "15 maart 1980",
]
JUSTIFICATION = "We ask about " + "; ".join(TYPED[:5]) + ". The licence is at stake."
ANSWER = "Registered as " + "; ".join(TYPED[5:]) + ". Building work."
NOTE = "Mr Vries did not reply."
MEDIATION = "Please call Janssen about the licence."


def _typed_variants_absent(text: str) -> None:
    folded = skeleton(text)
    for typed in [*TYPED, "Vries", "Janssen"]:
        assert skeleton(typed) not in folded, typed


@pytest.fixture
def typed_request(world, make_request) -> InformationRequest:
    """An answered request, referred to the requester's coordinator, with the provider's data
    typed into every free text; the requester's coordinator may view details."""
    world.set_prefs(world.requesting, coordinator_may_view_details=True)
    info_request = make_request(State.ANSWERED, referred=True)
    PersonalData.objects.filter(info_request=info_request).update(**PROVIDER)
    # The texts as the parties typed them (make_request wrote fixed ones).
    InformationRequest.objects.filter(pk=info_request.pk).update(justification=JUSTIFICATION)
    Answer.objects.filter(
        request_question__info_request=info_request, free_text="Building work."
    ).update(free_text=ANSWER)
    # A note of the timeline, kept with the event that brought it (as the services do).
    answered = info_request.events.get(code=events.ANSWERED)
    events.attach_note(
        answered, kind="information", author=world["resp_handler"], text=NOTE, language="en"
    )
    services.mediation_post(
        info_request=info_request, actor=world["resp_handler"], text=MEDIATION, language="en"
    )
    return info_request


def test_coordinator_page_masks_every_free_text(client, world, typed_request):
    client.force_login(world["coord_handler"])  # writes Dutch
    response = client.get(reverse("exchange:detail", args=[typed_request.pk]))
    assert response.status_code == 200
    page = response.text
    assert page.count(NL_MARK) >= len(TYPED) + 2
    _typed_variants_absent(page)
    # The rest of each text is kept as typed.
    for kept in ("We ask about", "The licence is at stake.", "Building work.", "did not reply"):
        assert kept in page, kept
    assert "Please call" in page and "about the licence." in page
    # No report for a coordinator: it holds the personal data itself.
    report = reverse("reports:full_report", args=[typed_request.pk])
    assert report not in page
    assert client.get(report).status_code == 404


def test_parties_read_free_text_as_typed(client, world, typed_request):
    for name in ("handler", "resp_handler", "basic"):
        client.force_login(world[name])
        page = client.get(reverse("exchange:detail", args=[typed_request.pk])).text
        assert NL_MARK not in page and EN_MARK not in page, name
        for typed in ("BOUWBEDRIJF JANSSEN BV", "06-12345678", "15 maart 1980"):
            assert typed in page, (name, typed)
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:detail", args=[typed_request.pk])).text
    assert "Please call Janssen" in page and "Mr Vries" in page


def api(user) -> APIClient:
    """A client of ``user``'s token that asks for English (without the header the API
    answers in the user's language, and the masks with it)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(user), HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_coordinator_api_masks_every_free_text(world, typed_request):
    coordinator = api(world["coord_handler"])
    detail = coordinator.get(f"/api/v1/requests/{typed_request.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    _typed_variants_absent(body)
    data = detail.json()
    assert data["justification"].startswith("We ask about [personal data]")
    answers = [q["answer"]["free_text"] for q in data["questions"] if q["answer"]]
    assert any(text.startswith("Registered as [personal data]") for text in answers)
    timeline = coordinator.get(f"/api/v1/requests/{typed_request.pk}/timeline/")
    assert timeline.status_code == 200
    notes = [entry["note"] for entry in timeline.json() if entry["note"]]
    assert "Mr [personal data] did not reply." in notes
    _typed_variants_absent(timeline.content.decode())
    # The requester reads them as typed.
    requester = api(world["handler"]).get(f"/api/v1/requests/{typed_request.pk}/").json()
    assert requester["justification"] == JUSTIFICATION


def test_the_other_sides_coordinator_and_an_approving_coordinator_read_masked(
    client, world, make_request
):
    # No "may view details" at all: the coordinator sees the answers it must approve.
    info_request = make_request(State.ANSWER_AWAITING_APPROVAL)
    PersonalData.objects.filter(info_request=info_request).update(**PROVIDER)
    Answer.objects.filter(
        request_question__info_request=info_request, free_text="Building work."
    ).update(free_text=ANSWER)
    client.force_login(world["resp_coord_handler"])  # German: the English mark
    page = client.get(reverse("exchange:detail", args=[info_request.pk])).text
    assert "Registered as [personal data]" in page
    _typed_variants_absent(page)


def test_coordinator_page_with_generated_names(client, world, make_request):
    world.set_prefs(world.requesting, coordinator_may_view_details=True)
    info_request = make_request(State.ANSWERED)
    url = reverse("exchange:detail", args=[info_request.pk])
    client.force_login(world["coord_handler"])
    word = st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzäöüéçñłšžαβγδλμπσжзиклмн", min_size=4, max_size=10
    )

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(words=st.lists(word, min_size=2, max_size=3), upper=st.booleans())
    def check(words, upper):
        name = " ".join(f"Qx{w}" for w in words)
        PersonalData.objects.filter(info_request=info_request).update(contact_person=name)
        typed = name.upper() if upper else "-".join(name.split())
        InformationRequest.objects.filter(pk=info_request.pk).update(
            justification=f"Contact {typed} <b>now</b>."
        )
        page = client.get(url).text
        assert f"Contact {NL_MARK} &lt;b&gt;now&lt;/b&gt;." in page
        for part in name.split():
            assert skeleton(part) not in skeleton(page), part

    check()


def test_the_fields_a_coordinator_may_read_say_so(client, world, make_request):
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    world["handler"].language = "en"
    world["handler"].save(update_fields=["language"])
    page = client.get(reverse("exchange:compose_step", args=[draft.pk, "justification"])).text
    assert HINT in page
    accepted = make_request(State.ACCEPTED, referred=True)
    client.force_login(world["resp_handler"])  # German: English texts
    for url in (
        reverse("exchange:request_info", args=[accepted.pk]),
        reverse("exchange:forward", args=[accepted.pk]),
        reverse("exchange:detail", args=[accepted.pk]),  # the mediation message
    ):
        assert HINT in client.get(url).text, url
    question = accepted.request_questions.get(question__answer_type="free_text")
    answer_page = client.get(reverse("exchange:answer", args=[accepted.pk, question.pk])).text
    assert HINT in answer_page
    # The hint is described by its field (aria-describedby), as every hint is.
    assert 'aria-describedby="id_free_text_helptext' in answer_page


def test_values_before_a_correction_are_masked_too(client, world, typed_request):
    from openimi.privacy.services import personal_data_correct

    personal_data_correct(
        info_request=typed_request,
        actor=world["lda"],
        data={"provider_name": "Aannemer Nieuwenhuis"},
        reason="The data subject asked for it.",
    )
    client.force_login(world["coord_handler"])
    page = client.get(reverse("exchange:detail", args=[typed_request.pk])).text
    # The justification still names the provider as it was typed before the correction.
    assert "We ask about [personal data]" in page
    assert "bouwbedrijf" not in skeleton(page) and "janssen" not in skeleton(page)


def test_who_reads_as_typed(world, make_request):
    """The rule (``Action.REQUEST_READ_AS_TYPED``): the parties' users who see the request;
    not a coordinator's users, whatever their roles, nor anyone who cannot see it."""
    from openimi.access import policy
    from openimi.access.policy import Action

    world.set_prefs(world.requesting, coordinator_may_view_details=True)
    info_request = make_request(State.ACCEPTED, referred=True)
    parties = {"handler", "allocator", "supervisor", "basic", "lda", "resp_handler", "resp_lda"}
    for name in ("coord_handler", "coord_lda", "resp_coord_handler", "third_handler", *parties):
        user = world[name]
        assert policy.can(user, Action.REQUEST_READ_AS_TYPED, info_request) == (name in parties), (
            name
        )
    assert not policy.can(None, Action.REQUEST_READ_AS_TYPED, info_request)
    draft = make_request(State.DRAFT)
    assert not policy.can(world["basic"], Action.REQUEST_READ_AS_TYPED, draft)


def test_the_api_tells_writers_and_readers():
    """The API reference (docs/openapi.yaml, kept current by tests/api/test_schema.py) says
    beside each free text a coordinator may read not to write personal data there, and
    beside each such text it returns that a coordinator's copy is masked."""
    from pathlib import Path

    import yaml

    schema = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text()
    )["components"]["schemas"]
    written = {
        "DraftRequest": "justification",
        "PatchedDraftRequest": "justification",
        "AnswerInputRequest": "free_text",
        "NoteRequest": "note",
        "ReturnRequest": "note",
        "ForwardRequest": "note",
        "RejectRequest": "note",
        "TextRequest": "text",
    }
    for component, field in written.items():
        description = schema[component]["properties"][field].get("description", "")
        assert "Do not write personal data here" in description, component
    read = {"RequestDetail": "justification", "TimelineEntry": "note", "Answer": "free_text"}
    for component, field in read.items():
        description = schema[component]["properties"][field].get("description", "")
        assert "personal data in it is masked" in description, component
