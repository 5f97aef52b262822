"""Help: the seed's Bijlage 1 (the user's coordinator, from the directory) and Bijlage 2."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_help_names_the_coordinator(client, basic_user, coordinator):
    client.force_login(basic_user)
    response = client.get(reverse("help:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert coordinator.official_name in page
    assert reverse("authorities:detail", kwargs={"pk": coordinator.pk}) in page
    assert "two grounds only" in page and "forward it" in page
    assert "through\n        openimi" in page or "through openimi" in page


def test_help_without_coordinator(client, other_handler):
    client.force_login(other_handler)
    page = client.get(reverse("help:index")).content.decode()
    assert "No coordinator has been set" in page


def test_help_in_the_menu(client, basic_user):
    client.force_login(basic_user)
    menu = client.get(reverse("home")).context["main_menu"]
    assert any(item["url"] == reverse("help:index") for item in menu)


def test_help_anonymous(client, db):
    assert client.get(reverse("help:index")).status_code == 302
