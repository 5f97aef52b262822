"""The translator's tool: start a language, hand its open messages out as JSON, take the
translations back in, and check a catalogue the way the test suite does.

Run it with the project's Python from the project root (docs/translating.md says when):

    .venv/bin/python scripts/translations.py init de     # new catalogue, plural rule from CLDR
    .venv/bin/python scripts/translations.py export de --size 150 --chunk 0 > chunk.json
    .venv/bin/python scripts/translations.py import de chunk-translated.json
    .venv/bin/python scripts/translations.py check de          # what the tests would refuse
    .venv/bin/python scripts/translations.py status            # completeness of every language
    .venv/bin/python scripts/translations.py status --write    # ... into docs/translating.md
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
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checks of this tree (src/openimi/common/catalogues.py), also when another tree's
# environment runs the script: the tests ask the same module.
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimi.settings")  # for settings.LANGUAGES

import polib  # noqa: E402
from babel import Locale  # noqa: E402

from openimi.common import catalogues  # noqa: E402
from openimi.common.catalogues import (  # noqa: E402
    PACKAGE,
    REFERENCE_FIXTURES,
    catalogue_path,
    nplurals,
    plural_forms,
    reference_key,
    reference_texts,
)

DOCUMENT = ROOT / "docs" / "translating.md"


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
            "Plural-Forms": plural_forms(language) + ";",
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


def export(language: str, size: int, chunk: int | None, everything: bool) -> None:
    po = polib.pofile(str(catalogue_path(language)))
    entries = [e for e in po if not e.obsolete and (everything or catalogues.is_open(e))]
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
        problems = catalogues.entry_problems(entry, language)
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


def ref_export(language: str | None) -> None:
    out = {}
    for path in REFERENCE_FIXTURES:
        for pointer, texts in reference_texts(json.loads(path.read_text(encoding="utf-8"))):
            if language and texts.get(language):
                continue
            out[reference_key(path, pointer)] = texts["en"]
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    print(f"{len(out)} texts", file=sys.stderr)


def ref_import(language: str, source: Path) -> None:
    given = json.loads(source.read_text(encoding="utf-8"))
    used = set()
    for path in REFERENCE_FIXTURES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for pointer, texts in reference_texts(data):
            key = reference_key(path, pointer)
            if given.get(key):
                texts[language] = given[key]
                used.add(key)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    unknown = set(given) - used
    print(f"{len(used)} texts written for {language}; {len(unknown)} keys unknown")
    for key in sorted(unknown):
        print("  unknown:", key)


def status(*, write: bool) -> None:
    table = catalogues.status_table(catalogues.status_languages())
    if write:
        document = DOCUMENT.read_text(encoding="utf-8")
        DOCUMENT.write_text(catalogues.replace_status(document, table), encoding="utf-8")
        print(f"{DOCUMENT.relative_to(ROOT)}: status table written")
    else:
        print(table, end="")


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
    p = sub.add_parser("status", help="completeness of every language, as docs/translating.md")
    p.add_argument("--write", action="store_true", help="write the table into the document")
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
    elif args.command == "status":
        status(write=args.write)
    else:
        if args.command == "check":
            problems = [str(problem) for problem in catalogues.problems(args.language)]
        else:
            problems = catalogues.reference_problems(args.language)
        for line in problems:
            print(line)
        print(f"{len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
