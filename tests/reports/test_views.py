"""The report downloads: who may have them (the policy), the file, the audit log, the PDF."""

import shutil

import pytest
from django.urls import reverse

from openimi.exchange import events
from openimi.exchange.models import RequestEvent
from openimi.exchange.workflow import State
from tests.exchange.conftest import PROVIDER_NAME
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _audits(info_request):
    return RequestEvent.objects.filter(
        info_request=info_request, code=events.PERSONAL_DATA_VIEWED
    ).count()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("handler", True),  # requesting side, request handler
        ("supervisor", True),
        ("allocator", True),
        ("resp_handler", True),  # responding side, acts on it
        ("resp_supervisor", True),
        ("basic", False),  # own authority, no role for personal data
        ("lda", False),
        ("resp_basic", False),
        ("coord_handler", False),  # coordinators never see personal data
        ("third_handler", False),  # another authority
    ],
)
@pytest.mark.parametrize("name", ["reports:full_report", "reports:consent_statement"])
def test_request_reports_permissions(client, world, make_request, who, allowed, name):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world[who])
    response = client.get(reverse(name, kwargs={"pk": info_request.pk}))
    if allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == DOCX
        assert response["Cache-Control"] == "no-store"
        assert ".docx" in response["Content-Disposition"]
        assert PROVIDER_NAME in docx_text(response.content)
        assert _audits(info_request) == 1
    else:
        assert response.status_code == 404
        assert _audits(info_request) == 0


def test_request_reports_anonymous_and_missing(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    url = reverse("reports:full_report", kwargs={"pk": info_request.pk})
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(world["handler"])
    assert client.get(reverse("reports:full_report", kwargs={"pk": 999999})).status_code == 404
    assert _audits(info_request) == 0


def test_draft_reports_only_for_the_requesting_handlers(client, world, make_request):
    info_request = make_request(State.DRAFT)
    client.force_login(world["resp_handler"])  # not reached yet
    url = reverse("reports:consent_statement", kwargs={"pk": info_request.pk})
    assert client.get(url).status_code == 404
    client.force_login(world["handler"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Consent statement of the data subject" in docx_text(response.content)


def test_report_in_the_readers_language(client, world, make_request):
    info_request = make_request(State.ANSWERED)
    client.force_login(world["handler"])
    response = client.get(
        reverse("reports:full_report", kwargs={"pk": info_request.pk}),
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert "Is het ingeschreven?" in docx_text(response.content)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("lda", True), ("handler", False), ("basic", False), ("resp_lda", False)],
)
def test_user_details_permissions(client, world, who, allowed):
    target = world["handler2"]
    client.force_login(world[who])
    response = client.get(reverse("reports:user_details", kwargs={"pk": target.pk}))
    if allowed:
        assert response.status_code == 200
        text = docx_text(response.content)
        assert target.get_username() in text and target.get_full_name() in text
        assert 'filename="user-details-handler2.docx"' in response["Content-Disposition"]
    else:
        assert response.status_code == 404


def test_user_details_anonymous(client, world):
    url = reverse("reports:user_details", kwargs={"pk": world["handler2"].pk})
    assert client.get(url).status_code == 302


def test_pdf_refused_without_libreoffice(client, world, settings):
    settings.REPORTS_LIBREOFFICE = "no-such-libreoffice-binary"
    client.force_login(world["lda"])
    url = reverse("reports:user_details_pdf", kwargs={"pk": world["handler2"].pk})
    assert client.get(url).status_code == 404


@pytest.mark.skipif(
    shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)
def test_pdf_of_each_report(client, world, make_request):
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    for name in ("reports:full_report_pdf", "reports:consent_statement_pdf"):
        response = client.get(reverse(name, kwargs={"pk": info_request.pk}))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert _audits(info_request) == 2
    client.force_login(world["lda"])
    response = client.get(reverse("reports:user_details_pdf", kwargs={"pk": world["handler"].pk}))
    assert response.content.startswith(b"%PDF")


# --- issue 15, item 10: the reports where the seed puts them (Bijlage 2) ---------------------


def _links(html: str) -> set[str]:
    import re

    return set(re.findall(r'href="([^"]+)"', html))


def _report_urls(info_request):
    return {
        name: reverse(f"reports:{name}", kwargs={"pk": info_request.pk})
        for name in ("full_report", "consent_statement")
    }


def test_review_and_send_step_offers_both_reports(client, world, make_request):
    """The requester prints the consent statement before sending: on the last step."""
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    page = client.get(
        reverse("exchange:compose_step", kwargs={"pk": info_request.pk, "step": "review"})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Send request" in html  # it is the review-and-send step
    urls = _report_urls(info_request)
    assert set(urls.values()) <= _links(html)
    assert "Consent statement of the data subject (Word)" in html
    for url in urls.values():  # and the links lead to the documents
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == DOCX


@pytest.mark.parametrize(
    "state", [State.AWAITING_ACCEPTANCE, State.ACCEPTED, State.ANSWERED, State.CLOSED]
)
def test_sent_request_offers_both_reports_to_the_requester(client, world, make_request, state):
    info_request = make_request(state)
    client.force_login(world["handler"])
    html = client.get(reverse("exchange:detail", kwargs={"pk": info_request.pk})).content.decode()
    assert set(_report_urls(info_request).values()) <= _links(html)


def test_responder_gets_the_full_report_but_no_consent_statement_to_sign(
    client, world, make_request
):
    """The consent statement is the requesting authority's to have signed; the responding
    authority archives the full report."""
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    html = client.get(reverse("exchange:detail", kwargs={"pk": info_request.pk})).content.decode()
    urls = _report_urls(info_request)
    assert urls["full_report"] in _links(html)
    assert urls["consent_statement"] not in _links(html)


def test_no_report_links_for_who_may_not_see_the_personal_data(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["basic"])
    page = client.get(reverse("exchange:detail", kwargs={"pk": info_request.pk}))
    assert page.status_code == 200
    assert not set(_report_urls(info_request).values()) & _links(page.content.decode())


def test_review_step_in_dutch_says_to_have_the_statement_signed(client, world, make_request):
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    html = client.get(
        reverse("exchange:compose_step", kwargs={"pk": info_request.pk, "step": "review"}),
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    assert "laat de dienstverlener deze ondertekenen voordat u het verzoek verzendt" in html
    assert "Instemmingsverklaring van de betrokkene (Word)" in html
