"""Writing an alert on the pages: the kind, the kind's form, the draft saved and opened
unchanged, documents, submitting (the problems at their fields), deleting, bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openimi.alerts import services
from openimi.alerts.models import Alert, AlertAttachment, AlertEvent
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import State

pytestmark = pytest.mark.django_db

PQ_FORM = {
    "full_name": "Jan Kowalski",
    "date_of_birth": "1975-02-03",
    "activity": "Pielęgniarz",
    "deciding_authority": "Sąd Okręgowy",
    "decision_date": "2026-12-01",
    "restriction_scope": "Zakaz wykonywania zawodu",
    "restriction_start": "2026-12-01",
    "language": "pl",
}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_step_one_offers_the_kinds_with_their_legal_basis(client, world):
    client.force_login(world.sender_handler)
    response = client.get(reverse("alerts:create"))
    assert response.status_code == 200
    text = response.content.decode()
    for kind in AlertType:
        assert str(kind.label) in text
    assert "Directive 2005/36/EC, Art. 56a(1)" in text
    response = client.post(reverse("alerts:create"), {})
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    response = client.post(reverse("alerts:create"), {"kind": "pq_health"})
    assert response["Location"] == reverse("alerts:create_kind", args=["pq_health"])


def test_the_form_shows_only_the_kinds_fields(client, world):
    client.force_login(world.sender_handler)
    pq = client.get(reverse("alerts:create_kind", args=["pq_health"])).context["form"]
    assert "countries" not in pq.fields and "address" not in pq.fields
    assert pq.fields["full_name"].label == "Full name of the professional"
    assert pq.fields["full_name"].required and not pq.fields["place_of_birth"].required
    services_form = client.get(reverse("alerts:create_kind", args=["services"])).context["form"]
    assert "countries" in services_form.fields and "decision_date" not in services_form.fields
    codes = [code for code, _ in services_form.fields["countries"].choices]
    assert "NL" not in codes and {"DE", "PL", "FR"} <= set(codes)
    assert services_form.fields["full_name"].label == "Name of the service provider"


def test_saving_creates_the_draft_and_lands_on_its_page(client, world):
    client.force_login(world.sender_handler)
    response = client.post(
        reverse("alerts:create_kind", args=["pq_health"]), {**PQ_FORM, "save": ""}, follow=True
    )
    alert = Alert.objects.get()
    assert response.redirect_chain[-1][0] == reverse("alerts:edit", args=[alert.pk])
    assert "saved" in _messages(response)[0]
    assert alert.personal_data.full_name == "Jan Kowalski" and alert.language == "pl"
    assert alert.status == State.DRAFT


def test_opening_and_saving_unchanged_changes_nothing(client, world, pq_alert):
    client.force_login(world.sender_handler)
    url = reverse("alerts:edit", args=[pq_alert.pk])
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    # What a browser sends back: line breaks of a textarea as CR LF.
    data = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}
    before = set(AlertEvent.objects.exclude(audience="audit").values_list("pk", flat=True))
    response = client.post(url, {**data, "save": ""}, follow=True)
    assert _messages(response) == ["The draft was saved."]
    after = set(AlertEvent.objects.exclude(audience="audit").values_list("pk", flat=True))
    assert after == before


def test_bad_input_keeps_what_was_typed(client, world, pq_alert):
    client.force_login(world.sender_handler)
    url = reverse("alerts:edit", args=[pq_alert.pk])
    long_name = "Ł" * 10_000
    response = client.post(
        url, {**PQ_FORM, "full_name": long_name, "activity": "Nurse\x07", "save": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["full_name"] and form.errors["activity"]
    assert form["deciding_authority"].value() == "Sąd Okręgowy"
    assert "There is a problem" in response.content.decode()
    pq_alert.refresh_from_db()
    assert pq_alert.activity == "Nurse (verpleegkundige)"


def test_a_service_refusal_lands_at_its_field(client, world, pq_alert):
    client.force_login(world.sender_handler)
    url = reverse("alerts:edit", args=[pq_alert.pk])
    response = client.post(
        url, {**PQ_FORM, "restriction_start": "2026-12-01", "restriction_end": "2026-11-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["restriction_end"] == [
        "The restriction cannot end before it starts."
    ]


def test_submitting_an_incomplete_alert_shows_the_problems_at_the_fields(client, world):
    draft = services.alert_create_draft(
        actor=world.sender_handler, alert_type=AlertType.PQ_HEALTH, language="en"
    )
    client.force_login(world.sender_handler)
    url = reverse("alerts:edit", args=[draft.pk])
    response = client.post(url, {"full_name": "Ελένη Παπαδοπούλου", "language": "en", "submit": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "activity" in errors and "date_of_birth" in errors and "full_name" not in errors
    assert 'href="#id_activity"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == State.DRAFT
    assert draft.personal_data.full_name == "Ελένη Παπαδοπούλου"


def test_submitting_a_complete_alert(client, world, pq_alert):
    client.force_login(world.sender_handler)
    url = reverse("alerts:edit", args=[pq_alert.pk])
    data = {**PQ_FORM, "submit": ""}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("alerts:detail", args=[pq_alert.pk])
    assert "submitted to your alert coordinator" in _messages(response)[0]
    pq_alert.refresh_from_db()
    assert pq_alert.status == State.AWAITING_VALIDATION
    # No longer a draft: the edit page leads to the alert.
    assert client.get(url)["Location"] == reverse("alerts:detail", args=[pq_alert.pk])


def test_documents_are_added_removed_and_downloaded(client, world, pq_alert):
    client.force_login(world.sender_handler)
    upload = SimpleUploadedFile("decision.pdf", b"%PDF-1.4 decision", "application/pdf")
    response = client.post(
        reverse("alerts:attachment_add", args=[pq_alert.pk]), {"file": upload}, follow=True
    )
    assert "decision.pdf" in _messages(response)[0]
    attachment = AlertAttachment.objects.get(alert=pq_alert)
    download = client.get(reverse("alerts:download", args=[pq_alert.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(world.fr_reader)
    assert (
        client.get(reverse("alerts:download", args=[pq_alert.pk, attachment.pk])).status_code == 404
    )
    client.force_login(world.sender_handler)
    response = client.post(
        reverse("alerts:attachment_remove", args=[pq_alert.pk, attachment.pk]), follow=True
    )
    assert _messages(response) == ["The document was removed."]
    assert not AlertAttachment.objects.filter(alert=pq_alert).exists()


def test_an_empty_upload_is_an_error_on_the_page(client, world, pq_alert):
    client.force_login(world.sender_handler)
    response = client.post(reverse("alerts:attachment_add", args=[pq_alert.pk]), {})
    assert response.status_code == 200
    assert response.context["attachment_form"].errors["file"]


def test_deleting_a_draft(client, world, pq_alert):
    client.force_login(world.sender_handler)
    url = reverse("alerts:delete", args=[pq_alert.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("alerts:list")
    assert not Alert.objects.filter(pk=pq_alert.pk).exists()


@pytest.mark.parametrize(
    "name", ["sender_supervisor", "sender_basic", "sender_lda", "nl_alco_user", "fr_reader"]
)
def test_only_the_senders_handlers_edit_the_draft(client, world, pq_alert, name):
    client.force_login(getattr(world, name))
    for url_name in ("edit", "delete", "attachment_add"):
        url = reverse(f"alerts:{url_name}", args=[pq_alert.pk])
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("name", ["sender_basic", "sender_lda", "network_admin"])
def test_writing_is_for_request_handlers_only(client, world, name):
    client.force_login(getattr(world, name))
    assert client.get(reverse("alerts:create")).status_code == 404
    assert client.get(reverse("alerts:create_kind", args=["pq_health"])).status_code == 404


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(reverse("alerts:create"))
    assert response.status_code == 302 and "login" in response["Location"]
