"""Reflow at 320 px (WCAG 1.4.10), as a rule for every template: a data table sits in a
region that scrolls sideways, takes keyboard focus (so it can be scrolled without a mouse)
and is named by the table's caption. tests/browser/test_reflow.py measures the pages."""

import re
from pathlib import Path

import pytest

import openimi

TEMPLATES = Path(openimi.__file__).parent / "templates"
WRAPPED = re.compile(
    r'<div class="openimi-(?:table-scroll|users__scroll)" role="region" '
    r'aria-labelledby="(?P<name>[^"]+)" tabindex="0">\s*'
    r"<table\b[^>]*>\s*<caption (?:[^>]*\s)?id=\"(?P<caption>[^\"]+)\""
)


def _templates_with_tables():
    return sorted(
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if "<table" in path.read_text(encoding="utf-8")
    )


def test_there_are_tables_to_check():
    assert len(_templates_with_tables()) >= 10


@pytest.mark.parametrize("name", _templates_with_tables())
def test_every_table_scrolls_in_a_named_focusable_region(name):
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    tables = text.count("<table")
    wrapped = list(WRAPPED.finditer(text))
    assert len(wrapped) == tables, f"{name}: {tables - len(wrapped)} table(s) not in a region"
    for match in wrapped:
        assert match["name"] == match["caption"], name
