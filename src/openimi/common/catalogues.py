"""What a translation must satisfy, in one place: the test suite (tests/test_translations.py)
and the translators' tool (scripts/translations.py ``check`` and ``status``) both ask here.

A catalogue is ``locale/<lang>/LC_MESSAGES/django.po``; its term base is
``locale/terms/<lang>.csv`` (columns ``english,term,pattern,note``). Every problem names the
language, the line of the entry's ``msgid`` and the msgid, so a translator finds it at once.
This module is a development tool: the running product never imports it.
"""

from __future__ import annotations

import csv
import dataclasses
import gettext
import json
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import polib
from babel.messages.plurals import get_plural

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE = PACKAGE / "locale"
TERMS = LOCALE / "terms"
SOURCE_LANGUAGE = "en"

# Placeholders the code fills in: %(name)s, %s, %d, {name}, {} and HTML tags.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sdf]|\{[a-z_0-9]*\}|</?[a-z]+[^>]*>", re.I)
_MSGFMT_LINE = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<message>.*)$")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing a catalogue must fix, where it is."""

    language: str
    line: int | None
    msgid: str
    what: str

    def __str__(self) -> str:
        where = f"{self.language}/django.po:{self.line}" if self.line else self.language
        return (
            f"{where}: {self.msgid[:60]!r} {self.what}" if self.msgid else f"{where}: {self.what}"
        )


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def catalogue_languages() -> list[str]:
    """The languages that have a catalogue (the term bases' folder is none)."""
    found = {path.parent.parent.name for path in LOCALE.glob("*/LC_MESSAGES/django.po")}
    return sorted(found - {TERMS.name})


def installation_languages() -> list[str]:
    """The codes of settings.LANGUAGES (the languages a user can choose)."""
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]


def checked_languages() -> list[str]:
    """Every language whose catalogue the tests check: each catalogue, and each language of
    the installation but English (one without a catalogue is a failure of its own)."""
    return sorted(({*catalogue_languages(), *installation_languages()}) - {SOURCE_LANGUAGE})


def status_languages() -> list[str]:
    return [SOURCE_LANGUAGE, *checked_languages()]


def plural_forms(language: str) -> str:
    """The Plural-Forms header CLDR gives the language (through Babel), without its last ';'."""
    return get_plural(language).plural_forms.rstrip(";")


def nplurals(language: str) -> int:
    return get_plural(language).num_plurals


def placeholders(text: str) -> list[str]:
    """What a translation must keep: each named placeholder at least once (it may repeat or
    move), each positional placeholder and each HTML tag as often as the English has it."""
    found = PLACEHOLDER.findall(text)
    named = {p for p in found if p.startswith("%(") or (p.startswith("{") and p != "{}")}
    return sorted(named) + sorted(p for p in found if p not in named)


def is_open(entry: polib.POEntry) -> bool:
    """Still to be translated: empty, partly empty (a plural), fuzzy or obsolete."""
    if "fuzzy" in entry.flags or entry.obsolete:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def entry_problems(entry: polib.POEntry, language: str) -> list[str]:
    """What is wrong with one entry's translation (no place, no msgid: the caller adds them)."""
    found = []
    if entry.msgid_plural:
        wanted = nplurals(language)
        if len(entry.msgstr_plural) != wanted:
            found.append(f"has {len(entry.msgstr_plural)} plural forms, the language has {wanted}")
        allowed = (placeholders(entry.msgid_plural), placeholders(entry.msgid))
        for index in range(max(wanted, len(entry.msgstr_plural))):
            form = entry.msgstr_plural.get(index, "")
            if not form:
                found.append(f"plural form {index} is not translated")
            elif placeholders(form) not in allowed:
                found.append(
                    f"plural form {index} has placeholders {placeholders(form)}, "
                    f"the English {allowed[0]}"
                )
    elif not entry.msgstr:
        found.append("is not translated")
    elif placeholders(entry.msgstr) != placeholders(entry.msgid):
        found.append(
            f"has placeholders {placeholders(entry.msgstr)}, "
            f"the English {placeholders(entry.msgid)}"
        )
    if "fuzzy" in entry.flags:
        found.append("is fuzzy")
    return found


def load_terms(language: str, path: Path | None = None) -> list[dict[str, str]]:
    path = path or TERMS / f"{language}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def term_problems(entry: polib.POEntry, terms: Iterable[dict[str, str]]) -> list[str]:
    """Where a msgid holds an English term of the term base (at the start of a word, so
    "coordinator" also finds "coordinators"), every form of the translation holds the term's
    pattern (case-insensitive)."""
    found = []
    for term in terms:
        pattern = (term.get("pattern") or "").strip()
        if not pattern or not re.search(r"\b" + re.escape(term["english"]), entry.msgid, re.I):
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if any(text and not re.search(pattern, text, re.I) for text in texts):
            found.append(
                f"does not follow the term base: {term['english']!r} is {term['term']!r} "
                f"(pattern {pattern!r})"
            )
    return found


def _msgid_lines(text: str) -> dict[int, int]:
    """The line of each entry's msgid, by the line where polib says the entry starts."""
    lines = text.splitlines()
    starts: dict[int, int] = {}
    start = None
    for number, line in enumerate(lines, start=1):
        if start is None and line.strip():
            start = number
        if not line.strip():
            start = None
        elif re.match(r"^(#~ )?msgid ", line) and start is not None:
            starts.setdefault(start, number)
    return starts


def msgfmt_problems(text: str) -> list[tuple[int | None, str]]:
    """``msgfmt --check-format --check-header`` on the catalogue: (line, message) per error."""
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", "-"],  # noqa: S607
        input=text.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if not result.returncode:
        return []
    found: list[tuple[int | None, str]] = []
    for raw in result.stderr.decode("utf-8", "replace").splitlines():
        match = _MSGFMT_LINE.match(raw)
        if match:
            found.append((int(match["line"]), match["message"].strip()))
        elif raw.strip() and not raw.startswith("msgfmt: found"):
            # a continuation of the message above (msgfmt wraps its reasons)
            if found:
                line, message = found[-1]
                found[-1] = (line, f"{message} {raw.strip()}")
            else:
                found.append((None, raw.strip()))
    return found


def problems(
    language: str, text: str | None = None, terms: list[dict] | None = None
) -> list[Problem]:
    """Everything the tests refuse in the catalogue of ``language`` (or in ``text``, a
    catalogue's content, with ``terms`` as its term base: how the tests try a sample)."""
    if text is None:
        text = catalogue_path(language).read_text(encoding="utf-8")
    if terms is None:
        terms = load_terms(language)
    po = polib.pofile(text)
    lines = _msgid_lines(text)
    found = []
    header = (po.metadata.get("Plural-Forms") or "").strip().rstrip(";")
    if not same_plural_rule(header, plural_forms(language)):
        found.append(
            Problem(
                language,
                None,
                "",
                f"Plural-Forms is {header!r}, CLDR says {plural_forms(language)!r}",
            )
        )
    entries = sorted(po, key=lambda e: e.linenum)
    for entry in entries:
        line = lines.get(entry.linenum, entry.linenum)
        if entry.obsolete:
            found.append(Problem(language, line, entry.msgid, "is obsolete (#~): remove it"))
            continue
        found += [
            Problem(language, line, entry.msgid, what) for what in entry_problems(entry, language)
        ]
        found += [
            Problem(language, line, entry.msgid, what) for what in term_problems(entry, terms)
        ]
    by_line = [(lines.get(e.linenum, e.linenum), e) for e in entries]
    for line, message in msgfmt_problems(text):
        owner = None
        for start, entry in by_line:
            if line is not None and start <= line:
                owner = entry
        found.append(Problem(language, line, owner.msgid if owner else "", f"msgfmt: {message}"))
    return found


def same_plural_rule(header: str, cldr: str) -> bool:
    """Two Plural-Forms headers say the same: as many forms, and the same form for every
    number up to 1,000 (a rule may be written with other spacing and parentheses)."""

    def parse(text: str) -> tuple[int, Callable[[int], int]] | None:
        match = re.match(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", text)
        if not match:
            return None
        try:
            return int(match[1]), gettext.c2py(match[2])
        except ValueError:
            return None

    ours, theirs = parse(header), parse(cldr)
    if ours is None or theirs is None or ours[0] != theirs[0]:
        return False
    return all(ours[1](n) == theirs[1](n) for n in range(1001))


def completeness(language: str) -> tuple[int, int]:
    """(translated entries, entries) of a catalogue: fuzzy and obsolete count as not done."""
    return completeness_of(catalogue_path(language).read_text(encoding="utf-8"))


def completeness_of(text: str) -> tuple[int, int]:
    po = polib.pofile(text)
    entries = [entry for entry in po if not entry.obsolete]
    return sum(not is_open(entry) for entry in entries), len(entries)


# --- reference data: the texts the other side reads (question sets, areas, keywords…) -----------

REFERENCE_FIXTURES = [
    PACKAGE / "authorities" / "fixtures" / "reference" / "legislative_areas.json",
    PACKAGE / "authorities" / "fixtures" / "reference" / "keywords.json",
    PACKAGE / "authorities" / "fixtures" / "reference" / "policy_areas.json",
    PACKAGE / "authorities" / "fixtures" / "reference" / "nace.json",
    PACKAGE / "exchange" / "fixtures" / "question_sets" / "question_sets.json",
]


def reference_texts(node: object, pointer: str = "") -> Iterable[tuple[str, dict[str, str]]]:
    """(JSON pointer, texts by language) for every dictionary of a fixture that holds an
    English text: ``{"en": …, "nl": …}`` (its keys are language codes)."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and all(len(key) <= 3 for key in node):
            yield pointer, node
            return
        for key, value in node.items():
            yield from reference_texts(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from reference_texts(value, f"{pointer}/{number}")


def reference_key(path: Path, pointer: str, root: Path = PACKAGE) -> str:
    return f"{path.relative_to(root)}:{pointer}"


def reference_problems(
    language: str, fixtures: Iterable[Path] = REFERENCE_FIXTURES, root: Path = PACKAGE
) -> list[str]:
    """Each reference text of the fixtures that has no text in ``language``, by its key."""
    found = []
    for path in fixtures:
        for pointer, texts in reference_texts(json.loads(path.read_text(encoding="utf-8"))):
            if not (texts.get(language) or "").strip():
                key = reference_key(path, pointer, root)
                found.append(f"{key} has no {language} text ({texts['en'][:50]!r})")
    return found


def reference_completeness(language: str) -> tuple[int, int]:
    done = total = 0
    for path in REFERENCE_FIXTURES:
        for _pointer, texts in reference_texts(json.loads(path.read_text(encoding="utf-8"))):
            total += 1
            done += bool((texts.get(language) or "").strip())
    return done, total


# --- the status table of docs/translating.md ----------------------------------------------------

# Languages whose translation a native-speaking civil servant has reviewed: language code ->
# who and when ("Name, authority, 2027-01-15"). None has been so far: the catalogues were
# written by the project's engineers with machine assistance.
REVIEWED: dict[str, str] = {}

STATUS_START = "<!-- status: scripts/translations.py status --write -->"
STATUS_END = "<!-- /status -->"


def percent(done: int, total: int) -> str:
    if not total:
        return "–"
    share = 100 * done / total
    # 99.95 % is not complete: only a whole catalogue says 100 %.
    return "100 %" if done == total else f"{min(share, 99.9):.1f} %"


def status_table(languages: Iterable[str]) -> str:
    """The Markdown table of each language's completeness and review."""
    from babel import Locale

    rows = [
        "| language | code | interface | reference data | reviewed by a native-speaking "
        "civil servant |",
        "| --- | --- | --- | --- | --- |",
    ]
    for language in sorted(set(languages), key=lambda code: (code != SOURCE_LANGUAGE, code)):
        name = Locale.parse(language).get_display_name("en")
        if language == SOURCE_LANGUAGE:
            interface = reference = "source"
        else:
            done, total = completeness(language) if catalogue_path(language).exists() else (0, 0)
            interface = f"{percent(done, total)} ({done} of {total})"
            done, total = reference_completeness(language)
            reference = f"{percent(done, total)} ({done} of {total})"
        reviewed = "source text" if language == SOURCE_LANGUAGE else REVIEWED.get(language, "no")
        rows.append(f"| {name} | {language} | {interface} | {reference} | {reviewed} |")
    return "\n".join(rows) + "\n"


def replace_status(document: str, table: str) -> str:
    """``document`` with the text between the status marks replaced by ``table``."""
    start, end = document.index(STATUS_START), document.index(STATUS_END)
    return document[: start + len(STATUS_START)] + "\n" + table + document[end:]


def status_in(document: str) -> str:
    """The status table as a document holds it."""
    start, end = document.index(STATUS_START), document.index(STATUS_END)
    return document[start + len(STATUS_START) : end].strip("\n") + "\n"
