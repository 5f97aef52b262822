"""My account checks the telephone number as Add user and the API do."""

import lxml.html
import pytest
from django.urls import reverse

from openimi.accounts.users.forms import validate_phone

MESSAGE = str(validate_phone.message)


@pytest.mark.parametrize(
    "phone", ["<script>alert(1)</script>", "call me", "070-1234567 (ask for Jan)"]
)
def test_a_phone_number_with_letters_or_markup_is_refused_at_the_field(client, handler, phone):
    handler.phone = "+31 70 1234567"
    handler.save(update_fields=["phone"])
    client.force_login(handler)
    response = client.post(reverse("accounts:preferences"), {"language": "en", "phone": phone})
    assert response.status_code == 200
    document = lxml.html.fromstring(response.content.decode())
    assert MESSAGE in document.xpath(
        "string(//p[@id='id_phone_error'])"
    ) or "control character" in document.xpath("string(//p[@id='id_phone_error'])")
    handler.refresh_from_db()
    assert handler.phone == "+31 70 1234567"


def test_the_script_case_says_how_to_write_the_number(client, handler):
    client.force_login(handler)
    response = client.post(reverse("accounts:preferences"), {"language": "en", "phone": "<script>"})
    document = lxml.html.fromstring(response.content.decode())
    assert MESSAGE in document.xpath("string(//p[@id='id_phone_error'])")
    assert document.xpath("//input[@name='phone']/@value") == ["<script>"]


def test_a_real_number_is_saved(client, handler):
    client.force_login(handler)
    response = client.post(
        reverse("accounts:preferences"), {"language": "en", "phone": "+31 (0)70 123-4567"}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:account")
    handler.refresh_from_db()
    assert handler.phone == "+31 (0)70 123-4567"
