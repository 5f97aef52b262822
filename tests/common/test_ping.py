"""``/ping/``: the benchmarks' floor, open to every active user and to nobody else."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_active_user_gets_its_name_and_authority(client, basic_user):
    client.force_login(basic_user)
    response = client.get(reverse("ping"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert basic_user.authority.official_name in response.content.decode()


def test_one_query_of_its_own(client, basic_user, django_assert_num_queries):
    client.force_login(basic_user)
    client.get(reverse("ping"))
    # The session, the user, the user's authority, and the session saved again (inside a
    # savepoint: two more statements).
    with django_assert_num_queries(6):
        assert client.get(reverse("ping")).status_code == 200


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(reverse("ping"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_inactive_user_is_refused(client, basic_user):
    client.force_login(basic_user)
    basic_user.is_active = False
    basic_user.save(update_fields=["is_active"])
    response = client.get(reverse("ping"))
    assert response.status_code in (302, 404)
    assert basic_user.authority.official_name not in response.content.decode()
