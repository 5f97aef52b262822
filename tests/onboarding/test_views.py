"""The onboarding pages: the administrators of the own authority only; the upload, preview,
saving and creating the users through the pages; the export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from openimi.accounts.models import User
from openimi.onboarding.models import ChecklistTick, RolloutRow
from tests.onboarding.conftest import SEED_EMAILS

pytestmark = pytest.mark.django_db

PAGES = ["onboarding:checklist", "onboarding:rollout", "onboarding:rollout_export"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_for_the_administrator(client, lda, name):
    client.force_login(lda)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", [*PAGES, "onboarding:tick", "onboarding:rollout_apply"])
@pytest.mark.parametrize("who", ["handler", "basic_user", "other_handler"])
def test_pages_refused(client, request, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code in (404, 405)
    assert client.post(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_pages_anonymous(client, db, name):
    assert client.get(reverse(name)).status_code == 302


def test_upload_preview_save_and_create(client, lda, seed_csv):
    client.force_login(lda)
    with seed_csv.open("rb") as upload:
        response = client.post(reverse("onboarding:rollout"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "Check the rows of resultatentabel.csv" in page
    assert "Save the rollout table" in page and "Pieter de Kort" in page
    assert not RolloutRow.objects.exists()  # nothing before it is confirmed
    signed = response.context["import_form"].initial["rows"]
    response = client.post(reverse("onboarding:rollout_import"), {"rows": signed}, follow=True)
    assert "saved with 4 rows" in response.content.decode()
    assert RolloutRow.objects.count() == 4
    for _run in range(2):
        response = client.post(reverse("onboarding:rollout_apply"), follow=True)
    assert "Already as in the table: 4" in response.content.decode()
    assert User.objects.filter(email__in=SEED_EMAILS).count() == 4


def test_other_authority_sees_only_its_own_table(client, lda, other_lda, seed_csv):
    client.force_login(lda)
    with seed_csv.open("rb") as upload:
        signed = (
            client.post(reverse("onboarding:rollout"), {"file": upload})
            .context["import_form"]
            .initial["rows"]
        )
    client.post(reverse("onboarding:rollout_import"), {"rows": signed})
    client.force_login(other_lda)
    page = client.get(reverse("onboarding:rollout")).content.decode()
    assert "Pieter de Kort" not in page
    client.post(reverse("onboarding:rollout_apply"))
    assert not User.objects.filter(email__in=SEED_EMAILS).exists()


def test_upload_with_errors_shows_problems_and_no_save_button(client, lda, errors_csv):
    client.force_login(lda)
    with errors_csv.open("rb") as upload:
        response = client.post(reverse("onboarding:rollout"), {"file": upload})
    page = response.content.decode()
    assert "The file has 5 problems" in page
    assert "Save the rollout table" not in page


def test_tampered_rows_are_refused(client, lda):
    client.force_login(lda)
    response = client.post(reverse("onboarding:rollout_import"), {"rows": "forged"}, follow=True)
    assert "Upload the file again" in response.content.decode()
    assert not RolloutRow.objects.exists()


def test_export(client, lda):
    client.force_login(lda)
    response = client.get(reverse("onboarding:rollout_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(values_only=True))[0] == "Department"


def test_tick_through_the_page(client, lda):
    client.force_login(lda)
    client.post(reverse("onboarding:tick"), {"item": "usernames", "done": "on"})
    assert ChecklistTick.objects.filter(item="usernames", ticked_by=lda).exists()
    page = client.get(reverse("onboarding:checklist")).content.decode()
    assert "Ticked by" in page and "Mark as not done" in page
    client.post(reverse("onboarding:tick"), {"item": "usernames"})
    assert not ChecklistTick.objects.exists()


def test_checklist_constant_queries(client, lda, django_assert_max_num_queries):
    client.force_login(lda)
    with django_assert_max_num_queries(25):
        client.get(reverse("onboarding:checklist"))


def test_preview_shows_which_rows_are_existing_users(client, lda, seed_csv, services_area):
    """Issue 15, item 6: the preview says, per row, whether it makes a new account or is an
    existing user (by e-mail address), and warns about a new row with an existing name."""
    from openimi.accounts.models import Role
    from tests.factories import UserFactory

    UserFactory(
        authority=lda.authority,
        username="pieter.dekort",
        first_name="Pieter",
        last_name="de Kort",
        email="p.dekort@oeteldonk.nl",
        roles=[],
    )
    UserFactory(
        authority=lda.authority,
        username="bram.pauwels",
        first_name="Bram",
        last_name="Pauwels",
        email="b.pauwels@oeteldonk.example.nl",
        roles=[(Role.REQUEST_HANDLER, services_area)],
    )
    client.force_login(lda)
    with seed_csv.open("rb") as upload:
        response = client.post(reverse("onboarding:rollout"), {"file": upload})
    page = " ".join(response.content.decode().split())
    assert "Existing user pieter.dekort: gets the roles of this row" in page
    assert "New user" in page
    assert (
        "Bram Pauwels already has an account (bram.pauwels, b.pauwels@oeteldonk.example.nl) "
        "with another e-mail address" in page
    )
    assert "Save the rollout table" in page  # a warning, not a problem
    assert "1 new row has the name of an existing user with another e-mail address" in page
    with seed_csv.open("rb") as upload:
        dutch = client.post(
            reverse("onboarding:rollout"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="nl"
        )
    dutch = " ".join(dutch.content.decode().split())
    assert "Bestaande gebruiker pieter.dekort: krijgt de rollen van deze rij" in dutch
    assert "1 nieuwe rij heeft de naam van een bestaande gebruiker" in dutch
    assert "Nieuwe gebruiker" in dutch
    assert User.objects.filter(last_name="de Kort").count() == 1
