"""The committed OpenAPI schema is what the code generates (CI fails on a difference)."""

from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_committed_schema_is_current(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", file=str(generated), validate=True, fail_on_warn=True)
    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run "
        "`openimi spectacular --file docs/openapi.yaml --validate`"
    )


def test_schema_and_reference_page_are_served(client, db):  # db: the rate-limit count
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openimi API" in schema.content
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert b"vendor/swagger-ui/swagger-ui-bundle" in page.content
    assert b"api-docs" in page.content
