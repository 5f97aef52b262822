"""The seed's Bijlage 4 table as files: the committed CSV, and the same rows as an .xlsx
written at test time (no binary in the repository)."""

import csv
from pathlib import Path

import pytest

from tests.exchange.conftest import make_request, media_root, world  # noqa: F401

DATA = Path(__file__).parent / "data"
SEED_CSV = DATA / "resultatentabel.csv"
ERRORS_CSV = DATA / "with_errors.csv"

SEED_EMAILS = [
    "b.pauwels@oeteldonk.nl",
    "p.dekort@oeteldonk.nl",
    "energie@oeteldonk.nl",
    "publieksbalie@oeteldonk.nl",
]


def seed_rows() -> list[list[str]]:
    with SEED_CSV.open(encoding="utf-8") as source:
        return list(csv.reader(source))


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Resultatentabel"
    for row in rows:
        sheet.append([value or None for value in row])
    workbook.save(path)
    return path


@pytest.fixture
def seed_xlsx(tmp_path) -> Path:
    return write_xlsx(tmp_path / "resultatentabel.xlsx", seed_rows())


@pytest.fixture
def seed_csv() -> Path:
    return SEED_CSV


@pytest.fixture
def errors_csv() -> Path:
    return ERRORS_CSV
