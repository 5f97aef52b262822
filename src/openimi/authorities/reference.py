"""Reference data from versioned fixtures, loaded by ``openimi load_reference`` (DESIGN rule 6).

Every kind has one JSON file under ``fixtures/reference/``: ``{"version": "2026.1", "items":
[...]}``, each item keyed by its code (the natural key). Loading upserts every item by that code,
all kinds in one transaction, and writes only what differs: running it twice changes nothing and
creates no duplicates.

The fixtures are the first data of an empty installation, not the only way to have it (issue
19): the network administrator adds and renames legislative areas, keywords and policy areas in
the pages (``network.services.reference``). For those three kinds a second load keeps what the
product changed: an existing row keeps its names and position, and only gains the languages
its names lack (a new translation in the fixture still arrives). ``overwrite=True``
(``openimi load_reference --overwrite``) puts every name and position back to the fixture's,
which is how a corrected fixture text reaches a running installation. Languages, countries and
NACE sectors are not edited in the product: they are always made equal to the fixture (and
CLDR).

Items that have left a fixture are left as they are, never deleted: authorities, competences and
requests point at these rows (the foreign keys PROTECT them), so retiring a code is a decision for
a data migration. The one exception is a country's set of official languages, which the fixture
states in full and which nothing else references.

``position`` may be given per item; where it is absent the item's place in the file is its
position (for keywords, its place among the keywords of its area).

Countries and languages carry no names in their fixtures: their ``names`` (one per interface
language) and a language's ``native_name`` are CLDR's, read through Babel when loading, as the
pages read them (``common.i18n.country_name``, ``language_name``).
"""

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable
from importlib import resources
from typing import Any, TextIO

from django.conf import settings
from django.db import models, transaction

from openimi.authorities.models import (
    Country,
    EconomicSector,
    Keyword,
    Language,
    LegislativeArea,
    PolicyArea,
)
from openimi.common import content_cache
from openimi.common.errors import ApplicationError
from openimi.common.i18n import country_name, endonym, language_name

FIXTURE_PACKAGE = "openimi.authorities"
FIXTURE_DIR = "fixtures/reference"
KINDS = ("languages", "countries", "legislative_areas", "keywords", "nace", "policy_areas")

Item = dict[str, Any]


@dataclasses.dataclass
class Changes:
    """The keys of the rows one loader created and updated."""

    created: set[tuple[Any, ...]] = dataclasses.field(default_factory=set)
    updated: set[tuple[Any, ...]] = dataclasses.field(default_factory=set)

    def __add__(self, other: "Changes") -> "Changes":
        return Changes(self.created | other.created, self.updated | other.updated)


class ReferenceDataError(ApplicationError):
    """A reference fixture is malformed or points at a code that does not exist."""


def read_fixture(kind: str) -> tuple[str, list[Item]]:
    """The version and the items of one kind, read from the installed package."""
    path = resources.files(FIXTURE_PACKAGE).joinpath(FIXTURE_DIR, f"{kind}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    version, items = data.get("version"), data.get("items")
    if not isinstance(version, str) or not isinstance(items, list):
        raise ReferenceDataError(f"{kind}.json needs a 'version' string and an 'items' list.")
    return version, items


def load_reference(*, stdout: TextIO | None = None, overwrite: bool = False) -> dict[str, int]:
    """Upsert all reference data in one transaction; returns the number of items per kind.

    With ``stdout``, writes one line per kind: version, items, created and updated rows.
    ``overwrite``: names and positions changed in the product are put back (module docstring).
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        content_cache.changed(directory=True)  # names of countries, areas, sectors…
        for kind in KINDS:
            version, items = read_fixture(kind)
            try:
                changes = _LOADERS[kind](items, overwrite)
            except KeyError as error:
                raise ReferenceDataError(f"An item of {kind}.json lacks {error}.") from error
            counts[kind] = len(items)
            if stdout is not None:
                stdout.write(
                    f"{kind}: {len(items)} (version {version}; {len(changes.created)} created, "
                    f"{len(changes.updated)} updated)\n"
                )
    return counts


Loader = Callable[[list[Item], bool], Changes]


def _upsert(
    model: type[models.Model], key: tuple[str, ...], rows: list[Item], *, keep_edits: bool = False
) -> Changes:
    """Create the rows that are missing and update those that differ; returns their keys.

    ``keep_edits``: an existing row keeps its position and its names, gaining only the
    languages they lack (the product's edits win over the fixture's)."""
    manager = model._default_manager
    existing = {_key(obj, key): obj for obj in manager.all()}
    seen: set[tuple[Any, ...]] = set()
    new: list[models.Model] = []
    changed: list[models.Model] = []
    changed_fields: set[str] = set()
    for row in rows:
        row_key = tuple(row[field] for field in key)
        if row_key in seen:
            raise ReferenceDataError(f"{model.__name__} {row_key} appears twice.")
        seen.add(row_key)
        obj = existing.get(row_key)
        if obj is None:
            new.append(model(**row))
            continue
        if keep_edits:
            row = {**row, "names": {**row["names"], **obj.names}, "position": obj.position}
        diff = [field for field, value in row.items() if getattr(obj, field) != value]
        for field in diff:
            setattr(obj, field, row[field])
        if diff:
            changed.append(obj)
            changed_fields.update(diff)
    manager.bulk_create(new)
    if changed:
        manager.bulk_update(changed, sorted(changed_fields))
    return Changes(
        created={_key(obj, key) for obj in new}, updated={_key(obj, key) for obj in changed}
    )


def _key(obj: models.Model, key: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(obj, field) for field in key)


def _position(item: Item, index: int) -> int:
    return int(item.get("position", index))


def _cldr_names(name: Callable[..., str], code: str) -> dict[str, str]:
    """``code``'s name in every interface language, from CLDR."""
    return {language: name(code, language) for language, _ in settings.LANGUAGES}


def _load_languages(items: list[Item], _overwrite: bool) -> Changes:
    rows = [
        {
            "code": item["code"],
            "names": _cldr_names(language_name, item["code"]),
            "native_name": endonym(item["code"]),
            "is_eu_official": item.get("is_eu_official", True),
        }
        for item in items
    ]
    return _upsert(Language, ("code",), rows)


def _load_countries(items: list[Item], _overwrite: bool) -> Changes:
    rows = [
        {
            "code": item["code"],
            "names": _cldr_names(country_name, item["code"]),
            "phone_prefix": item["phone_prefix"],
            "is_eu_member": item.get("is_eu_member", True),
        }
        for item in items
    ]
    changes = _upsert(Country, ("code",), rows)
    wanted = {(item["code"], language) for item in items for language in item["languages"]}
    unknown = {language for _, language in wanted} - set(
        Language.objects.values_list("code", flat=True)
    )
    if unknown:
        raise ReferenceDataError(f"countries.json names unknown languages: {sorted(unknown)}.")
    link = Country.languages.through
    current = set(
        link.objects.filter(country_id__in=[row["code"] for row in rows]).values_list(
            "country_id", "language_id"
        )
    )
    link.objects.bulk_create(
        [link(country_id=country, language_id=language) for country, language in wanted - current]
    )
    for country, language in current - wanted:
        link.objects.filter(country_id=country, language_id=language).delete()
    relinked = {(country,) for country, _ in wanted ^ current} - changes.created
    return changes + Changes(updated=relinked)


def _ordered(model: type[models.Model]) -> Loader:
    """The loader of a kind that has only a code, names and a position (edited in the product)."""

    def load(items: list[Item], overwrite: bool) -> Changes:
        rows = [
            {"code": item["code"], "names": item["names"], "position": _position(item, index)}
            for index, item in enumerate(items, start=1)
        ]
        return _upsert(model, ("code",), rows, keep_edits=not overwrite)

    return load


def _load_keywords(items: list[Item], overwrite: bool) -> Changes:
    areas = dict(LegislativeArea.objects.values_list("code", "pk"))
    index_in_area: dict[str, int] = defaultdict(int)
    rows = []
    for item in items:
        if item["area"] not in areas:
            raise ReferenceDataError(f"Keyword {item['code']} names unknown area {item['area']}.")
        index_in_area[item["area"]] += 1
        rows.append(
            {
                "area_id": areas[item["area"]],
                "code": item["code"],
                "names": item["names"],
                "position": _position(item, index_in_area[item["area"]]),
            }
        )
    return _upsert(Keyword, ("area_id", "code"), rows, keep_edits=not overwrite)


def _load_nace(items: list[Item], _overwrite: bool) -> Changes:
    level = EconomicSector.Level
    rows = []
    for index, item in enumerate(items, start=1):
        if item["level"] not in level.values:
            raise ReferenceDataError(f"NACE {item['code']} has unknown level {item['level']}.")
        rows.append(
            {
                "code": item["code"],
                "level": item["level"],
                "names": item["names"],
                "position": _position(item, index),
            }
        )
    sections = [{**row, "parent_id": None} for row in rows if row["level"] == level.SECTION]
    changes = _upsert(EconomicSector, ("code",), sections)
    section_ids = dict(EconomicSector.objects.filter(level=level.SECTION).values_list("code", "pk"))
    parents = {item["code"]: item.get("parent") for item in items}
    divisions = []
    for row in rows:
        if row["level"] != level.DIVISION:
            continue
        parent = parents[row["code"]]
        if parent not in section_ids:
            raise ReferenceDataError(f"NACE division {row['code']} needs a section as parent.")
        divisions.append({**row, "parent_id": section_ids[parent]})
    return changes + _upsert(EconomicSector, ("code",), divisions)


_LOADERS: dict[str, Loader] = {
    "languages": _load_languages,
    "countries": _load_countries,
    "legislative_areas": _ordered(LegislativeArea),
    "keywords": _load_keywords,
    "nace": _load_nace,
    "policy_areas": _ordered(PolicyArea),
}
