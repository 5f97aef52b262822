"""Every message has its Dutch text (docs/architecture.md, "The house rules"): the Dutch
catalogue has no empty ``msgstr`` and no ``#, fuzzy`` entry (makemessages' guesses are often
wrong and gettext ignores them, so the page would be in English). A failure names the line."""

from __future__ import annotations

from pathlib import Path

import openimi

CATALOGUE = Path(openimi.__file__).resolve().parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    """(line of the msgid, msgid, msgstr texts, flags) per entry, the header left out."""
    entry: dict = {}
    field = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if entry:
                yield entry
            entry, field = {}, None
            continue
        if line.startswith("#,"):
            entry["flags"] = line[2:].replace(" ", "").split(",")
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field = None  # the plural's English: the msgstr[n] lines are what count
        elif line.startswith("msgid "):
            field = "msgid"
            entry.setdefault("line", number)
            entry.setdefault("msgid", "")
            entry["msgid"] += line.partition(" ")[2].strip('"')
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry.setdefault("msgstr", []).append(line.partition(" ")[2].strip('"'))
        elif line.startswith('"') and field:
            if field == "msgid":
                entry["msgid"] += line.strip('"')
            else:
                entry["msgstr"][-1] += line.strip('"')
    if entry:
        yield entry


def problems(text: str) -> list[str]:
    found = []
    for entry in _entries(text):
        if not entry.get("msgid"):
            continue  # the header
        where = f"django.po:{entry['line']}: {entry['msgid'][:60]!r}"
        if "fuzzy" in entry.get("flags", []):
            found.append(f"{where} is fuzzy")
        if any(not translated for translated in entry.get("msgstr", [""])):
            found.append(f"{where} has no Dutch text")
    return found


def test_every_message_has_its_dutch_text():
    assert problems(CATALOGUE.read_text(encoding="utf-8")) == []


def test_an_empty_or_fuzzy_entry_is_named():
    text = (
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        'msgid "Send"\nmsgstr "Verzenden"\n\n'
        'msgid "the API"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "via the API (token %(name)s)"\nmsgstr "het token"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] ""\n'
    )
    assert problems(text) == [
        "django.po:8: 'the API' has no Dutch text",
        "django.po:12: 'via the API (token %(name)s)' is fuzzy",
        "django.po:15: 'one' has no Dutch text",
    ]
