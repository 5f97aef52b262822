"""Every catalogue is complete and correct (issue 18, "Done when"; docs/translating.md says what
is refused and how to fix it). The rules live in ``openimi.common.catalogues``, which the
translators' tool (``scripts/translations.py check``) runs too. Each failure names the
language, the line of the msgid and the msgid; the small tests below show that each kind of
fault is named, on a sample catalogue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from openimi.common import catalogues

ROOT = Path(__file__).resolve().parent.parent

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: openimi\\n"\n'
    '"PO-Revision-Date: 2026-12-07 12:00+0000\\n"\n'
    '"Last-Translator: openimi contributors\\n"\n'
    '"Language-Team: Polish (openimi contributors)\\n"\n'
    '"Language: pl\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || '
    'n%100>14) ? 1 : 2);\\n"\n'
)  # 11 lines: the first entry after it starts on line 13


def _problems(body: str, terms: list[dict[str, str]] | None = None) -> list[str]:
    return [str(p) for p in catalogues.problems("pl", text=HEADER + "\n" + body, terms=terms or [])]


@pytest.mark.parametrize("language", catalogues.checked_languages())
def test_the_catalogue_is_complete_and_correct(language):
    found = catalogues.problems(language)
    assert not found, f"{len(found)} problems in {language}:\n" + "\n".join(
        str(problem) for problem in found[:40]
    )


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_every_language_of_the_installation_has_a_catalogue(language):
    assert catalogues.catalogue_path(language).exists(), f"{language} has no catalogue"


def test_the_checked_languages_are_the_catalogues_and_the_installation_s_languages():
    checked = set(catalogues.checked_languages())
    assert {"nl", "de", "pl", "el"} <= checked
    assert "en" not in checked and "terms" not in checked
    assert {code for code, _ in settings.LANGUAGES} - {"en"} <= checked


def test_a_correct_sample_passes():
    body = (
        'msgid "Send"\nmsgstr "Wyślij"\n\n'
        '#, python-format\nmsgid "Sent by %(name)s"\nmsgstr "Wysłane przez %(name)s"\n\n'
        '#, python-format\nmsgid "%(count)d request"\nmsgid_plural "%(count)d requests"\n'
        'msgstr[0] "%(count)d wniosek"\nmsgstr[1] "%(count)d wnioski"\n'
        'msgstr[2] "%(count)d wniosków"\n'
    )
    assert _problems(body) == []


def test_an_untranslated_entry_is_named():
    body = 'msgid "Send"\nmsgstr "Wyślij"\n\nmsgid "the API"\nmsgstr ""\n'
    assert _problems(body) == ["pl/django.po:16: 'the API' is not translated"]


def test_a_fuzzy_entry_is_named():
    body = '#, fuzzy\nmsgid "Close"\nmsgstr "Zamknij"\n'
    assert _problems(body) == ["pl/django.po:14: 'Close' is fuzzy"]


def test_an_obsolete_entry_is_named():
    body = 'msgid "Send"\nmsgstr "Wyślij"\n\n#~ msgid "Old text"\n#~ msgstr "Stary tekst"\n'
    assert _problems(body) == ["pl/django.po:16: 'Old text' is obsolete (#~): remove it"]


def test_a_named_placeholder_that_differs_is_named_and_one_may_repeat_or_move():
    body = (
        'msgid "Sent by %(name)s to %(authority)s"\n'
        'msgstr "Wysłane przez %(nam)s do %(authority)s"\n\n'
        'msgid "%(name)s: %(count)s"\nmsgstr "%(count)s (%(name)s, %(name)s)"\n'
    )
    assert _problems(body) == [
        "pl/django.po:13: 'Sent by %(name)s to %(authority)s' has placeholders "
        "['%(authority)s', '%(nam)s'], the English ['%(authority)s', '%(name)s']"
    ]


def test_a_positional_placeholder_or_html_tag_missing_or_doubled_is_named():
    body = (
        'msgid "Page %s of %s"\nmsgstr "Strona %s"\n\n'
        'msgid "Read <strong>this</strong>"\nmsgstr "Przeczytaj <strong>to</strong> <strong>"\n'
    )
    assert _problems(body) == [
        "pl/django.po:13: 'Page %s of %s' has placeholders ['%s'], the English ['%s', '%s']",
        "pl/django.po:16: 'Read <strong>this</strong>' has placeholders ['</strong>', "
        "'<strong>', '<strong>'], the English ['</strong>', '<strong>']",
    ]


def test_a_plural_entry_with_the_wrong_number_of_forms_is_named():
    body = (
        'msgid "%(count)d request"\nmsgid_plural "%(count)d requests"\n'
        'msgstr[0] "%(count)d wniosek"\nmsgstr[1] "%(count)d wnioski"\n'
    )
    found = _problems(body)
    assert found[:2] == [
        "pl/django.po:13: '%(count)d request' has 2 plural forms, the language has 3",
        "pl/django.po:13: '%(count)d request' plural form 2 is not translated",
    ]


def test_a_plural_header_other_than_cldr_is_named():
    # Polish as if it were Dutch: two forms, where CLDR gives Polish three ("2 wnioski",
    # "5 wniosków"). The sample's own header is written differently from Babel's (no spaces,
    # parentheses) and passes: the rule is compared number by number, not as text.
    text = HEADER.split('"Plural-Forms')[0] + '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    found = [str(p) for p in catalogues.problems("pl", text=text, terms=[])]
    assert found == [
        "pl: Plural-Forms is 'nplurals=2; plural=(n != 1)', CLDR says 'nplurals=3; "
        "plural=n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) "
        "? 1 : 2'"
    ]
    same = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2)"
    assert catalogues.same_plural_rule(same, catalogues.plural_forms("pl"))
    wrong = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2)"  # 12 would be "12 wnioski"
    assert not catalogues.same_plural_rule(wrong, catalogues.plural_forms("pl"))


def test_an_error_of_msgfmt_check_format_is_named():
    body = (
        'msgid "Two lines\\n"\nmsgstr "Dwie linie"\n\n'
        '#, python-format\nmsgid "%(count)d open"\nmsgstr "otwarte: %(count)s"\n'
    )
    found = [line for line in _problems(body) if "msgfmt" in line]
    assert found == [
        "pl/django.po:14: 'Two lines\\n' msgfmt: 'msgid' and 'msgstr' entries do not both end "
        "with '\\n'",
        "pl/django.po:18: '%(count)d open' msgfmt: format specifications in 'msgid' and "
        "'msgstr' for argument 'count' are not the same",
    ]


def test_a_translation_that_leaves_the_term_base_is_named():
    terms = [
        {"english": "coordinator", "term": "koordynator", "pattern": "koordynator", "note": ""},
        {"english": "keyword", "term": "słowo kluczowe", "pattern": "", "note": "no pattern"},
    ]
    body = (
        'msgid "Ask the coordinators"\nmsgstr "Zapytaj koordynatorów"\n\n'
        'msgid "Refer to the coordinator"\nmsgstr "Przekaż do opiekuna"\n\n'
        'msgid "Keyword"\nmsgstr "Hasło"\n'
    )
    assert _problems(body, terms) == [
        "pl/django.po:16: 'Refer to the coordinator' does not follow the term base: "
        "'coordinator' is 'koordynator' (pattern 'koordynator')"
    ]


def test_the_dutch_term_base_holds_the_terms_translators_start_from():
    terms = {row["english"]: row for row in catalogues.load_terms("nl")}
    wanted = {
        "competent authority", "coordinator", "information request", "allocation",
        "legislative area", "local data administrator", "security code", "request handler",
        "allocator", "supervisor", "basic user", "question set", "standard answer", "keyword",
        "personal data", "deadline", "attachment", "justification", "service provider",
        "retention period", "directory", "national coordinator",
    }  # fmt: skip
    assert wanted <= set(terms), sorted(wanted - set(terms))
    for english in (
        "competent authority", "coordinator", "information request", "legislative area",
        "local data administrator", "security code", "question set", "request handler",
    ):  # fmt: skip
        assert terms[english]["pattern"], f"{english} needs a pattern"


def test_the_translators_tool_checks_with_the_same_rules():
    result = subprocess.run(
        [sys.executable, "scripts/translations.py", "check", "nl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "0 problems", result.stdout[-2000:]
    assert result.returncode == 0


def test_the_status_table_of_the_translators_document_is_what_the_tool_prints():
    result = subprocess.run(
        [sys.executable, "scripts/translations.py", "status"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    document = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    assert catalogues.status_in(document) == result.stdout, (
        "docs/translating.md's status table is out of date: run "
        "`.venv/bin/python scripts/translations.py status --write`"
    )
    assert result.stdout.count("\n") == 2 + len(catalogues.status_languages())
    assert "| Dutch | nl | 100 % (" in result.stdout


def test_the_status_table_counts_what_is_open():
    text = HEADER + '\nmsgid "Send"\nmsgstr "Wyślij"\n\nmsgid "Close"\nmsgstr ""\n'
    assert catalogues.completeness_of(text) == (1, 2)
    assert catalogues.percent(1, 2) == "50.0 %"
    assert catalogues.percent(1999, 2000) == "99.9 %"  # never rounded up to complete
    assert catalogues.percent(2, 2) == "100 %"
