"""The translator's tool: start a language, hand its open messages out as JSON, take the
translations back in, and check a catalogue the way the test suite does.

Run it with the project's Python from the project root (docs/translating.md says when):

    .venv/bin/python scripts/translations.py init de     # new catalogue, plural rule from CLDR
    .venv/bin/python scripts/translations.py export de --size 150 --chunk 0 > chunk.json
    .venv/bin/python scripts/translations.py import de chunk-translated.json
    .venv/bin/python scripts/translations.py check de          # what the tests would refuse
    .venv/bin/python scripts/translations.py ref-export > reference-en.json
    .venv/bin/python scripts/translations.py ref-import de reference-de.json
    .venv/bin/python scripts/translations.py ref-check de

An exported entry is ``{"msgid": …, "msgid_plural": …, "nplurals": n, "msgstr": …}``; give
``msgstr`` as a string, or for a plural entry ``msgstr_plural`` as a list of ``nplurals`` strings
in the order of the catalogue's Plural-Forms rule. Reference texts (question sets, areas,
keywords, NACE, policy areas) are keyed ``<fixture file>:<JSON pointer>`` and written into the
fixtures' per-language dictionaries.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import polib
from babel import Locale
from babel.messages.plurals import get_plural

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "openimi"
LOCALE = PACKAGE / "locale"
TERMS = LOCALE / "terms"
REFERENCE_FIXTURES = [
    PACKAGE / "authorities" / "fixtures" / "reference" / "legislative_areas.json",
    PACKAGE / "authorities" / "fixtures" / "reference" / "keywords.json",
    PACKAGE / "authorities" / "fixtures" / "reference" / "policy_areas.json",
    PACKAGE / "authorities" / "fixtures" / "reference" / "nace.json",
    PACKAGE / "exchange" / "fixtures" / "question_sets" / "question_sets.json",
]

# Placeholders the code fills in: %(name)s, %s, %d, {name}, {} and HTML tags.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sdf]|\{[a-z_0-9]*\}|</?[a-z]+[^>]*>", re.I)


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def placeholders(text: str) -> list[str]:
    """The placeholders a translation must keep: a named one at least once (it may repeat),
    each positional one and each HTML tag as often as the English has it."""
    found = PLACEHOLDER.findall(text)
    named = {p for p in found if p.startswith("%(") or (p.startswith("{") and p != "{}")}
    return sorted(named) + sorted(p for p in found if p not in named)


def plural_forms(language: str) -> str:
    return get_plural(language).plural_forms


def nplurals(language: str) -> int:
    return get_plural(language).num_plurals


# --- the catalogue ------------------------------------------------------------------------------


def init(language: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "openimi"), "makemessages", "-l", language, "--no-location"],
        cwd=PACKAGE,
        check=True,
    )
    po = polib.pofile(str(catalogue_path(language)), wrapwidth=79)
    name = Locale.parse(language).get_display_name("en")
    po.header = (
        f"{name} translation of openimi.\n"
        "This file is distributed under the same license as the openimi package (EUPL-1.2).\n"
        "openimi contributors, 2026.\n"
    )
    po.metadata.update(
        {
            "Project-Id-Version": "openimi",
            "Last-Translator": "openimi contributors",
            "Language-Team": f"{name} (openimi contributors)",
            "Language": language,
            "Plural-Forms": plural_forms(language).rstrip(";") + ";",
        }
    )
    po.metadata["PO-Revision-Date"] = po.metadata["POT-Creation-Date"]
    po.metadata_is_fuzzy = False
    for entry in po:
        if "fuzzy" in entry.flags:  # makemessages' guesses from other entries: start clean
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = (
                {i: "" for i in range(nplurals(language))} if entry.msgid_plural else {}
            )
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save()
    print(
        f"{catalogue_path(language).relative_to(ROOT)}: {len(po)} entries, {plural_forms(language)}"
    )


def _open(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def export(language: str, size: int, chunk: int | None, everything: bool) -> None:
    po = polib.pofile(str(catalogue_path(language)))
    entries = [e for e in po if not e.obsolete and (everything or _open(e))]
    if chunk is not None:
        entries = entries[chunk * size : (chunk + 1) * size]
    out = []
    for entry in entries:
        item: dict = {"msgid": entry.msgid}
        if entry.msgctxt:
            item["msgctxt"] = entry.msgctxt
        if entry.msgid_plural:
            item["msgid_plural"] = entry.msgid_plural
            item["nplurals"] = nplurals(language)
            item["msgstr_plural"] = [
                entry.msgstr_plural.get(i, "") for i in range(nplurals(language))
            ]
        else:
            item["msgstr"] = entry.msgstr
        out.append(item)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    print(f"{len(out)} entries", file=sys.stderr)


def _entry_problems(entry: polib.POEntry, language: str) -> list[str]:
    found = []
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals(language))]
        if len(entry.msgstr_plural) != nplurals(language):
            found.append(
                f"has {len(entry.msgstr_plural)} plural forms, "
                f"the language has {nplurals(language)}"
            )
        named = sorted(set(p for p in placeholders(entry.msgid_plural) if p.startswith("%(")))
        for i, form in enumerate(forms):
            if not form:
                found.append(f"plural form {i} is empty")
            elif sorted(set(p for p in placeholders(form) if p.startswith("%("))) != named:
                found.append(f"plural form {i} has {placeholders(form)}, the English {named}")
    else:
        if not entry.msgstr:
            found.append("is not translated")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(
                f"has {placeholders(entry.msgstr)}, the English {placeholders(entry.msgid)}"
            )
    if "fuzzy" in entry.flags:
        found.append("is fuzzy")
    return found


def load_terms(language: str) -> list[dict]:
    path = TERMS / f"{language}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def term_problems(po: polib.POFile, language: str) -> list[str]:
    """Where an English term of the term base occurs, the translation holds its pattern."""
    found = []
    for term in load_terms(language):
        pattern = (term.get("pattern") or "").strip()
        if not pattern:
            continue
        english = re.compile(r"\b" + re.escape(term["english"]), re.I)
        target = re.compile(pattern, re.I)
        for entry in po:
            if entry.obsolete or not english.search(entry.msgid):
                continue
            texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if any(text and not target.search(text) for text in texts):
                found.append(
                    f"term {term['english']!r} ({term['term']!r}, pattern {pattern!r}) missing in "
                    f"{entry.msgid[:60]!r}"
                )
    return found


def check(language: str) -> list[str]:
    path = catalogue_path(language)
    po = polib.pofile(str(path))
    found = []
    if po.metadata.get("Plural-Forms", "").rstrip(";") != plural_forms(language).rstrip(";"):
        found.append(
            f"Plural-Forms is {po.metadata.get('Plural-Forms')!r}, "
            f"CLDR says {plural_forms(language)!r}"
        )
    for entry in po:
        if entry.obsolete:
            found.append(f"obsolete entry {entry.msgid[:60]!r}")
            continue
        found += [f"{entry.msgid[:60]!r} {problem}" for problem in _entry_problems(entry, language)]
    found += term_problems(po, language)
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        found += [line for line in result.stderr.splitlines() if line.strip()]
    return found


def import_(language: str, source: Path) -> None:
    po = polib.pofile(str(catalogue_path(language)), wrapwidth=79)
    index = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}
    taken, refused = 0, []
    for item in json.loads(source.read_text(encoding="utf-8")):
        entry = index.get((item.get("msgctxt") or "", item["msgid"]))
        if entry is None:
            refused.append(f"{item['msgid'][:60]!r} is not in the catalogue")
            continue
        old = (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))
        if entry.msgid_plural:
            forms = item.get("msgstr_plural") or []
            entry.msgstr_plural = {i: text for i, text in enumerate(forms)}
        else:
            entry.msgstr = item.get("msgstr", "")
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        problems = _entry_problems(entry, language)
        if problems:
            entry.msgstr, entry.msgstr_plural, entry.flags = old
            refused += [f"{item['msgid'][:60]!r} {problem}" for problem in problems]
            continue
        taken += 1
    po.save()
    print(f"{taken} taken, {len(refused)} refused")
    for line in refused:
        print("  refused:", line)


# --- reference data -----------------------------------------------------------------------------


def _texts(node, pointer=""):
    """(pointer, dictionary of texts by language) for every dictionary with an English text."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and all(len(key) <= 3 for key in node):
            yield pointer, node
            return
        for key, value in node.items():
            yield from _texts(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _texts(value, f"{pointer}/{number}")


def _key(path: Path, pointer: str) -> str:
    return f"{path.relative_to(PACKAGE)}:{pointer}"


def ref_export(language: str | None) -> None:
    out = {}
    for path in REFERENCE_FIXTURES:
        for pointer, texts in _texts(json.loads(path.read_text(encoding="utf-8"))):
            if language and texts.get(language):
                continue
            out[_key(path, pointer)] = texts["en"]
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    print(f"{len(out)} texts", file=sys.stderr)


def ref_import(language: str, source: Path) -> None:
    given = json.loads(source.read_text(encoding="utf-8"))
    used = set()
    for path in REFERENCE_FIXTURES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for pointer, texts in _texts(data):
            key = _key(path, pointer)
            if given.get(key):
                texts[language] = given[key]
                used.add(key)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    unknown = set(given) - used
    print(f"{len(used)} texts written for {language}; {len(unknown)} keys unknown")
    for key in sorted(unknown):
        print("  unknown:", key)


def ref_check(language: str) -> list[str]:
    found = []
    for path in REFERENCE_FIXTURES:
        for pointer, texts in _texts(json.loads(path.read_text(encoding="utf-8"))):
            if not texts.get(language):
                found.append(f"{_key(path, pointer)} has no {language} text ({texts['en'][:50]!r})")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init").add_argument("language")
    p = sub.add_parser("export")
    p.add_argument("language")
    p.add_argument("--size", type=int, default=150)
    p.add_argument("--chunk", type=int)
    p.add_argument("--all", action="store_true", help="translated entries too")
    p = sub.add_parser("import")
    p.add_argument("language")
    p.add_argument("file", type=Path)
    sub.add_parser("check").add_argument("language")
    sub.add_parser("ref-export").add_argument("language", nargs="?")
    p = sub.add_parser("ref-import")
    p.add_argument("language")
    p.add_argument("file", type=Path)
    sub.add_parser("ref-check").add_argument("language")
    args = parser.parse_args()
    if args.command == "init":
        init(args.language)
    elif args.command == "export":
        export(args.language, args.size, args.chunk, args.all)
    elif args.command == "import":
        import_(args.language, args.file)
    elif args.command == "ref-export":
        ref_export(args.language)
    elif args.command == "ref-import":
        ref_import(args.language, args.file)
    else:
        problems = check(args.language) if args.command == "check" else ref_check(args.language)
        for line in problems:
            print(line)
        print(f"{len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
