"""A coordinator reads a request in the browser: the provider's name typed in the free texts is
masked; the requester, writing a justification, reads beside the field that coordinators may
read it. Both pages pass axe."""

import pytest
from playwright.sync_api import expect

from openimi.exchange import services
from openimi.exchange.models import InformationRequest, PersonalData
from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401, F811 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_masked_and_the_writer_is_told(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    make_request,  # noqa: F811
    axe_violations,
):
    world.set_prefs(world.requesting, coordinator_may_view_details=True)
    info_request = make_request(State.ACCEPTED, referred=True)
    PersonalData.objects.filter(info_request=info_request).update(
        provider_name="Schildersbedrijf Müller", contact_person="Anna Kowalska"
    )
    InformationRequest.objects.filter(pk=info_request.pk).update(
        justification="Schildersbedrijf MULLER works without a licence; ask anna kowalska."
    )
    services.mediation_post(
        info_request=info_request,
        actor=world["handler"],
        text="Ms Kowalska will call.",
        language="en",
    )

    login_as(world["coord_handler"])
    page.goto(f"{live_server.url}/requests/{info_request.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("[personal data] works without a licence; ask [personal data].")
    expect(main).to_contain_text("Ms [personal data] will call.")
    expect(main).not_to_contain_text("Kowalska")
    expect(main).not_to_contain_text("MULLER")
    assert axe_violations(page) == []

    draft = make_request(State.DRAFT)
    # Text from the wild: 10,000 characters, other scripts, line breaks (as CR LF, the way a
    # browser sends them: a text stored with bare LF, through the API, comes back as CR LF
    # after one save from the page; tests/common/test_control_characters.py keeps CR LF).
    wild = ("Заявка 申请 Ελληνικά – «ok»\r\n\r\nline two\r\n" * 400)[:10_000].strip()
    InformationRequest.objects.filter(pk=draft.pk).update(justification=wild)
    events_before = draft.events.count()
    login_as(world["handler"])
    page.goto(f"{live_server.url}/requests/{draft.pk}/compose/justification/")
    field = page.get_by_label("Why do you need this information?")
    expect(field).to_have_accessible_description(
        "Explain the case and why the information is needed. A request that is not "
        "sufficiently motivated may be rejected. Coordinators may read this text. Do not "
        "write personal data here; use the service provider's section."
    )
    assert axe_violations(page) == []
    # Saved unchanged, nothing changes.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Justification")
    draft.refresh_from_db()
    assert draft.justification == wild
    assert draft.events.count() == events_before
