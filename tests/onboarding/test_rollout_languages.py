"""The rollout table in every language: a table exported in German, Polish or Greek imports
again as it is, whatever language the importing user reads; headers and role names may come
from different languages. The names come from the catalogues, not from typed lists."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from openimi.accounts.models import Role
from openimi.common.errors import ApplicationError
from openimi.onboarding import importers, selectors, services
from tests.factories import UserFactory
from tests.onboarding.conftest import write_xlsx

pytestmark = pytest.mark.django_db

ENGLISH_HEADERS = ["Department", "Laws and regulations", "Name", "Mailbox", "Roles"]
AREA_NAMES = {"de": "Dienstleistungen", "pl": "Usługi", "el": "Υπηρεσίες"}


@pytest.fixture(autouse=True)
def languages(settings):
    """German, Polish and Greek among the interface languages (whatever else is there)."""
    codes = [code for code, _name in settings.LANGUAGES]
    extra = [(code, code) for code in ("en", "nl", "de", "pl", "el") if code not in codes]
    settings.LANGUAGES = [*settings.LANGUAGES, *extra]


@pytest.fixture
def area(services_area):
    services_area.names = {**services_area.names, **AREA_NAMES}
    services_area.save(update_fields=["names"])
    return services_area


def _role_names(language: str) -> dict[str, str]:
    with translation.override(language):
        names = {role: str(role.label) for role in importers.NAMED_ROLES}
        names["basic"] = str(importers.BASIC_USER)
    return names


def _check(lda, content: bytes, name: str):
    rows = importers.read_table(name=name, content=content)
    return selectors.rollout_check(authority=lda.authority, rows=rows)


@pytest.mark.parametrize("language", ["de", "pl", "el"])
def test_a_table_exported_in_a_language_imports_again_as_it_is(lda, area, tmp_path, language):
    names = _role_names(language)
    assert names[Role.REQUEST_HANDLER] != "Request handler"  # the catalogue is translated
    with translation.override(language):
        headers = selectors.export_headers()
        table = [
            headers,
            [
                "Vergunningen",
                "",
                "Ann Smith",
                "ann@oeteldonk.nl",
                f"{names[Role.REQUEST_HANDLER]} / {names[Role.ALLOCATOR]} ({AREA_NAMES[language]})",
            ],
            ["", "", "Bob Jansen", "bob@oeteldonk.nl", names[Role.SUPERVISOR]],
            [
                "",
                "",
                "Carla Smit",
                "carla@oeteldonk.nl",
                f"{names['basic']}; {names[Role.LOCAL_DATA_ADMINISTRATOR]}",
            ],
        ]
        written = write_xlsx(tmp_path / "in.xlsx", table)
        rows = _check(lda, written.read_bytes(), written.name)
        assert [row.problems for row in rows] == [[], [], []]
        services.rollout_import(
            actor=lda, authority=lda.authority, rows=services.parsed_as_dicts(rows)
        )
        content = selectors.rollout_export(authority=lda.authority)

    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == headers and values[0][0] != "Department"
    assert values[1][4] == table[1][4]

    # read back unchanged, by a user who reads English
    rows = _check(lda, content, "export.xlsx")
    assert [row.problems for row in rows] == [[], [], []]
    assert [row.email for row in rows] == [
        "ann@oeteldonk.nl",
        "bob@oeteldonk.nl",
        "carla@oeteldonk.nl",
    ]
    assert rows[0].department == "Vergunningen" and rows[0].name == "Ann Smith"
    assert [row.roles for row in rows] == [
        [[Role.REQUEST_HANDLER, "services"], [Role.ALLOCATOR, "services"]],
        [[Role.SUPERVISOR, "services"]],
        [[Role.LOCAL_DATA_ADMINISTRATOR, None]],
    ]


def test_english_headers_with_greek_role_names_in_any_case(lda, area, tmp_path):
    greek = _role_names("el")
    written = write_xlsx(
        tmp_path / "mixed.xlsx",
        [
            ENGLISH_HEADERS,
            [
                "",
                "",
                "Ann Smith",
                "ann@oeteldonk.nl",
                f"{greek[Role.REQUEST_HANDLER].upper()}, {greek[Role.SUPERVISOR]} (Υπηρεσίες)",
            ],
            ["", "", "Bob Jansen", "bob@oeteldonk.nl", greek["basic"]],
        ],
    )
    rows = _check(lda, written.read_bytes(), written.name)
    assert [row.problems for row in rows] == [[], []]
    assert rows[0].roles == [[Role.REQUEST_HANDLER, "services"], [Role.SUPERVISOR, "services"]]


def test_a_role_name_of_no_language_is_still_refused(lda, area, tmp_path):
    written = write_xlsx(
        tmp_path / "wrong.xlsx",
        [ENGLISH_HEADERS, ["", "", "Ann Smith", "ann@oeteldonk.nl", "Chef"]],
    )
    (row,) = _check(lda, written.read_bytes(), written.name)
    assert row.problems == ["Unknown role: “Chef”."]


def test_headers_of_no_language_name_the_columns_in_the_readers_language(lda, tmp_path):
    written = write_xlsx(tmp_path / "bad.xlsx", [["Wer", "Was"], ["Ann", "x"]])
    with translation.override("de"), pytest.raises(ApplicationError) as refused:
        _check(lda, written.read_bytes(), written.name)
    assert "“Abteilung”" in refused.value.message


def test_an_existing_user_is_matched_whatever_the_language(lda, area, tmp_path):
    UserFactory(authority=lda.authority, email="ann@oeteldonk.nl")
    polish = _role_names("pl")
    with translation.override("pl"):
        headers = selectors.export_headers()
    written = write_xlsx(
        tmp_path / "pl.xlsx",
        [headers, ["", "", "Ann Smith", "ann@oeteldonk.nl", polish[Role.ALLOCATOR]]],
    )
    (row,) = _check(lda, written.read_bytes(), written.name)
    assert row.problems == [] and row.match == importers.MATCH_ADD_ROLES
