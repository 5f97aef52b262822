"""Reads of the directory: search and detail, in the reader's language.

Every list is O(page): one page of rows (the search page counts in the same query), their
countries, and the translations in the reader's language, whatever the number of results.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, F, Lookup, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from openimi.authorities.models import (
    AreaPreferences,
    Authority,
    AuthorityTranslation,
    Country,
    EconomicSector,
    Keyword,
    LegislativeArea,
    PolicyArea,
)
from openimi.common.text import fold


@dataclass(frozen=True)
class AuthoritySearch:
    text: str = ""
    country: str = ""
    kind: str = ""
    area: str = ""
    keyword: int | None = None
    sector: str = ""
    policy_area: str = ""
    coordinators_only: bool = False


# On PostgreSQL each word, folded as the column is (common.text.fold: no accents, one case), is
# looked up in the two trigram-indexed search_text columns (migration authorities 0003): the
# authority's own texts, and each translation's. Keep these in step with the indexes, or the
# search reads every row again.
_AUTHORITIES_WITH_WORD = (
    "SELECT id FROM authorities_authority WHERE search_text LIKE %s "
    "UNION SELECT authority_id FROM authorities_authoritytranslation WHERE search_text LIKE %s"
)


class _EqualsAny(Lookup):
    """``column = ANY(array)``, as a filter (the table's alias is Django's to choose)."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _words(text: str) -> list[str]:
    """The words of a search, folded as ``search_text`` is (Köln, KÖLN and Koln are one)."""
    return [word for word in (fold(raw) for raw in text.split()) if word]


def _text_filter(text: str) -> Q:
    """Every word must occur in the official name, an informal title or a description,
    in the source language or any translation, whatever its accents and case."""
    if connection.vendor == "postgresql":
        # ``id = ANY(ARRAY(…))``: the ids are found once, then read in table order by a bitmap
        # over the primary key, instead of one probe per match (bench/RESULTS.md: 16 → 12 ms
        # for 1,785 matches at scale L).
        condition = Q()
        for word in _words(text):
            pattern = _like_pattern(word)
            ids = RawSQL(f"ARRAY({_AUTHORITIES_WITH_WORD})", (pattern, pattern))
            condition &= Q(_EqualsAny(F("pk"), ids))
        return condition
    condition = Q()
    for word in _words(text):
        in_translation = AuthorityTranslation.objects.filter(
            search_text__contains=word, authority=OuterRef("pk")
        )
        condition &= Q(search_text__contains=word) | Q(Exists(in_translation))
    return condition


def authority_name_search(*, text: str) -> QuerySet[Authority]:
    """Every authority, active or not, whose texts hold every word of ``text`` as the
    directory searches them (for other lists of authorities to combine with)."""
    return Authority.objects.filter(_text_filter(text))


def _formerly(text: str) -> tuple[Q, Subquery]:
    """A merged authority's names lead to the authority it continues as (issue 19): the
    filter that finds those, and the old name (one of them) as an annotation of each row, in
    the page's own query."""
    merged = Authority.objects.filter(merged_into__isnull=False).filter(_text_filter(text))
    old_name = merged.filter(merged_into=OuterRef("pk")).order_by("pk").values("official_name")
    return Q(pk__in=merged.values("merged_into_id")), Subquery(old_name[:1])


def _translations_in(language: str) -> Prefetch:
    return Prefetch(
        "translations", queryset=AuthorityTranslation.objects.filter(language_id=language)
    )


def _sector_ids(code: str, sectors: list[EconomicSector] | None) -> list[int]:
    """The sector ``code`` and, for a section, its divisions, from the table when the caller
    has read it (the search form has) or else in one small query."""
    if sectors is None:
        return list(
            EconomicSector.objects.filter(Q(code=code) | Q(parent__code=code)).values_list(
                "id", flat=True
            )
        )
    chosen = {sector.pk for sector in sectors if sector.code == code}
    return sorted(chosen | {sector.pk for sector in sectors if sector.parent_id in chosen})


def authority_search(
    *, search: AuthoritySearch, language: str, sectors: list[EconomicSector] | None = None
) -> QuerySet[Authority]:
    """Authorities matching every filter, by country and name, with their countries and the
    translations in ``language``. ``sectors``: the sector table, if already read.

    Deactivated authorities are left out; a merged one's names find the authority it
    continues as, whose ``formerly`` then holds the old name (else None)."""
    qs = Authority.objects.filter(is_active=True)
    if search.text.strip():
        found_by_old_name, old_name = _formerly(search.text.strip())
        qs = qs.filter(_text_filter(search.text.strip()) | found_by_old_name).annotate(
            formerly=old_name
        )
    if search.country:
        qs = qs.filter(country_id=search.country)
    if search.coordinators_only:
        qs = qs.filter(kind__in=Authority.COORDINATOR_KINDS)
    elif search.kind:
        qs = qs.filter(kind=search.kind)
    if search.area or search.keyword:
        preferences = AreaPreferences.objects.filter(authority=OuterRef("pk"))
        if search.area:
            preferences = preferences.filter(area__code=search.area)
        if search.keyword:
            preferences = preferences.filter(keywords=search.keyword)
        qs = qs.filter(Exists(preferences))
    # An authority "competent in all areas" (a municipality, a province: seed 6.4) is found by
    # every sector and every policy area without naming each of them.
    if search.sector:
        # A section matches authorities registered for it or for any of its divisions. The
        # ids are written out: given the codes through a join, PostgreSQL misjudged how many
        # authorities match and read 6,000 of them one by one (bench/RESULTS.md: 24 → 8 ms).
        qs = qs.filter(
            Q(competent_in_all_areas=True)
            | Exists(
                Authority.economic_sectors.through.objects.filter(
                    authority=OuterRef("pk"),
                    economicsector_id__in=_sector_ids(search.sector, sectors),
                )
            )
        )
    if search.policy_area:
        qs = qs.filter(
            Q(competent_in_all_areas=True)
            | Exists(
                Authority.policy_areas.through.objects.filter(
                    authority=OuterRef("pk"), policyarea__code=search.policy_area
                )
            )
        )
    # The countries come in a second small query, not a join: joined, PostgreSQL walked the
    # countries in order and compared each with every match (11 of 29 ms at bench scale L).
    return qs.prefetch_related("country", _translations_in(language)).order_by(
        "country_id", "official_name", "pk"
    )


def authority_get(*, pk: int, language: str) -> Authority:
    """One authority with everything its detail page and data tabs show."""
    return (
        Authority.objects.select_related("country", "language")
        .prefetch_related(
            "translations__language",
            "economic_sectors",
            "policy_areas",
            Prefetch(
                "preferences",
                queryset=AreaPreferences.objects.select_related(
                    "area", "supervising_coordinator__country"
                ).prefetch_related("keywords"),
            ),
        )
        .get(pk=pk)
    )


def authority_merged_into_get(*, pk: int) -> tuple[str, Authority] | None:
    """For a merged authority, its official name and the authority it continues as (the last
    of a chain of mergers); None for any other."""
    row = Authority.objects.filter(pk=pk, merged_into__isnull=False).values_list(
        "official_name", "merged_into_id"
    )
    found = row.first()
    if found is None:
        return None
    old_name, target_id = found
    seen = {pk}
    while True:
        target = Authority.objects.get(pk=target_id)
        if target.merged_into_id is None or target.merged_into_id in seen:
            return old_name, target
        seen.add(target.pk)
        target_id = target.merged_into_id


def search_choices() -> dict:
    """The options of the search form's filters, read once per page."""
    return {
        "countries": list(Country.objects.all()),
        "areas": list(LegislativeArea.objects.all()),
        "keywords": list(Keyword.objects.select_related("area")),
        "sectors": list(EconomicSector.objects.all()),
        "policy_areas": list(PolicyArea.objects.all()),
    }


def keyword_list(*, area_id: int) -> list[Keyword]:
    """Every keyword of a legislative area (the preferences' "Select all keywords")."""
    return list(Keyword.objects.filter(area_id=area_id))


def coordinator_list(*, authority_id: int | None) -> list[Authority]:
    """The coordinators who supervise the authority, each once, in a stable order (seed
    Bijlage 1: whom to contact when an authority abroad does not answer), from the directory's
    area preferences. No authority, no coordinators."""
    if authority_id is None:
        return []
    ids = (
        AreaPreferences.objects.filter(
            authority_id=authority_id,
            supervising_coordinator__isnull=False,
            supervising_coordinator__is_active=True,
        )
        .values_list("supervising_coordinator_id", flat=True)
        .distinct()
    )
    return list(Authority.objects.filter(pk__in=list(ids)).select_related("country").order_by("pk"))
