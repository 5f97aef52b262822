"""Masking a request's personal data in free text, for readers who may not see it.

A coordinator with "coordinator may view details" reads the justification, the answers, the
notes and the mediation thread, and people type the service provider's name in them. Where
the policy says a reader does not read free text as typed (``Action.REQUEST_READ_AS_TYPED``:
whoever is not a party), the selectors pass each text through ``Masker.mask``, which replaces
every occurrence of the request's structured personal data with a mark in the reader's
language.

How a text and a value are compared (``fold``): Unicode NFKD, combining marks dropped, a few
letters that do not decompose mapped (ł → l, ø → o, ß → ss…), case folded, and everything
that is not a letter or a digit left out. So "Jan de Vries" also matches "JAN DE VRIES",
"Ján de Vríes", "jan-de-vries" and "JandeVries", and "NL 1234.5678.9 B01" matches
"NL123456789B01". A match must begin and end at a word's edge ("Jansen" is not masked in
"Jansenius"), except beside letters of scripts written without spaces (Chinese, Japanese,
Thai…).

What is looked for (``terms``): every value whole; each part of the two names (the provider's
and the contact person's) of two or more letters, except name particles ("de", "van") and
legal forms ("B.V.", "GmbH"): a surname alone identifies as well as the whole name; the VAT
number without its country prefix; the telephone number with and without its international
prefix; the website's host and the e-mail address's domain (not a public mail service's);
the date of birth written as digits in the usual orders and with the month's name in the EU
languages Django translates; the values before each correction of the data (they were typed
before the correction). Masking more than needed is the safe side: a word of a company's name
("Bouwbedrijf") is masked wherever it stands.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext

if TYPE_CHECKING:
    from openimi.exchange.models import InformationRequest, PersonalData


def _words(text: str) -> list[str]:
    return text.split()


_NAME_FIELDS = ("provider_name", "contact_person")
_WHOLE_FIELDS = (
    "registration_number",
    "vat_number",
    "street",
    "postal_code",
    "city",
    "place_of_birth",
    "email",
)
# Letters that NFKD does not take apart, and their plain forms.
_PLAIN = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
_PARTICLES = frozenset(
    _words(
        "a al and bin d da das de del della den der des di do dos du e el en et ibn l la las le "
        "les lo mac mc o s st t te ten ter the und van vd von vom y z zu"
    )
)
_LEGAL_FORMS = frozenset(
    _words(
        "ab ag aps as asbl bv bvba co cie company cv doo ebvba eg ehf ek ev gbr gcv gesmbh gmbh "
        "inc kft kg kgaa llc llp lp ltd limited nv oe ohg oy oyj plc sa sae sagl sarl sas sc scs "
        "se sl sp spa sprl srl sro ug vof vzw zoo"
    )
)
_PUBLIC_MAIL = frozenset(
    _words(
        "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com icloud.com "
        "me.com aol.com gmx.de gmx.net gmx.at web.de t-online.de orange.fr free.fr laposte.net "
        "libero.it ziggo.nl kpnmail.nl xs4all.nl home.nl planet.nl telenet.be skynet.be proton.me "
        "protonmail.com wp.pl o2.pl seznam.cz"
    )
)
# The EU's official languages: month names in each, as Django's own catalogues spell them.
_EU_LANGUAGES = tuple(
    _words("bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv")
)
_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")
_MIN_TERM = 2


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` as it is compared, and for each character of that the index in ``text`` of
    the character it came from."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if part := _fold_char(char):
            folded.append(part)
            positions.extend([index] * len(part))
    return "".join(folded), positions


@functools.cache
def _fold_char(char: str) -> str:
    """One character as it is compared: letters and digits only (none, one or more)."""
    kept = []
    for part in unicodedata.normalize("NFKD", char.translate(_PLAIN)):
        if unicodedata.combining(part):
            continue
        kept += [c for c in part.casefold().translate(_PLAIN) if c.isalnum()]
    return "".join(kept)


def skeleton(text: str) -> str:
    return fold(text)[0]


@functools.cache
def _unspaced(char: str) -> bool:
    return unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS)


def _word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) != 0


def _edge(text: str, inside: int, outside: int) -> bool:
    """Whether a match whose last character inside is ``text[inside]`` ends at a word's edge
    towards ``outside`` (one step beyond, either way)."""
    if outside < 0 or outside >= len(text):
        return True
    step = 1 if outside > inside else -1
    index = outside
    # Combining marks belong to the letter before them.
    while 0 <= index < len(text) and unicodedata.combining(text[index]):
        index += step
    if not (0 <= index < len(text)) or not _word_char(text[index]):
        return True
    return _unspaced(text[index]) or _unspaced(text[inside])


@functools.cache
def _month_names() -> dict[int, frozenset[str]]:
    """Every month's names (full, abbreviated, genitive) in the EU languages, folded."""
    from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP

    names: dict[int, set[str]] = {month: set() for month in range(1, 13)}
    for language in _EU_LANGUAGES:
        with translation.override(language):
            for table in (MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP):
                for month, name in table.items():
                    folded = skeleton(str(name))
                    if len(folded) >= 3:
                        names[month].add(folded)
    return {month: frozenset(found) for month, found in names.items()}


def _date_terms(value: dt.date) -> set[str]:
    y, m, d = value.year, value.month, value.day
    days = {f"{d}", f"{d:02}"}
    months = {f"{m}", f"{m:02}"}
    years = {f"{y}", f"{y % 100:02}"}
    found = {f"{y}{mm}{dd}" for mm in months for dd in days}
    found |= {f"{dd}{mm}{yy}" for dd in days for mm in months for yy in years}
    found |= {f"{mm}{dd}{y}" for dd in days for mm in months}
    ordinals = {*days, f"{d}st", f"{d}nd", f"{d}rd", f"{d}th", f"{d}er", f"{d}e"}
    for name in _month_names()[m]:
        found |= {f"{dd}{name}{y}" for dd in ordinals}
        found |= {f"{name}{dd}{y}" for dd in ordinals}
    return found


def _name_terms(value: str) -> set[str]:
    found = {skeleton(value)}
    words = [skeleton(word) for word in re.split(r"[\W_]+", value) if word]
    found |= {
        word
        for word in words
        if not word.isdigit() and word not in _PARTICLES and word not in _LEGAL_FORMS
    }
    # The name without its legal form ("Jansen Bouw" for "Jansen Bouw B.V.").
    kept = [word for word in words if word not in _LEGAL_FORMS]
    if kept:
        found.add("".join(kept))
    return found


def _phone_terms(value: str) -> set[str]:
    digits = "".join(char for char in value if char.isdigit())
    found = {digits}
    international = value.strip().startswith("+") or digits.startswith("00")
    if international:
        digits = digits.removeprefix("00")
        for length in (1, 2, 3):  # the country code's length is not known
            national = digits[length:]
            if len(national) >= 6:
                found |= {national, "0" + national, national.removeprefix("0")}
    return found


def _host(value: str) -> str:
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip().lower()).split("/")[0]
    return host.removeprefix("www.")


def _value_terms(name: str, value: Any) -> set[str]:
    if value in (None, ""):
        return set()
    if name == "date_of_birth":
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return {skeleton(value)}
        return _date_terms(value) if isinstance(value, dt.date) else set()
    value = str(value)
    if name in _NAME_FIELDS:
        return _name_terms(value)
    if name == "phone":
        return _phone_terms(value)
    if name == "vat_number":
        folded = skeleton(value)
        return {folded, folded[2:]} if folded[:2].isalpha() and len(folded) > 6 else {folded}
    if name == "email":
        domain = value.rpartition("@")[2].lower().strip()
        return {skeleton(value)} | ({skeleton(domain)} if domain not in _PUBLIC_MAIL else set())
    if name == "website":
        return {skeleton(value), skeleton(_host(value))}
    if name == "other_details":
        return {skeleton(line) for line in re.split(r"[\n;]+", value)}
    if name in _WHOLE_FIELDS:
        return {skeleton(value)}
    return set()  # the legal form, the country: they identify no one


def terms(values: Iterable[dict[str, Any]]) -> frozenset[str]:
    """The folded strings to look for, from dictionaries of personal-data fields."""
    found: set[str] = set()
    for data in values:
        for name, value in data.items():
            found |= _value_terms(name, value)
    return frozenset(term for term in found if len(term) >= _MIN_TERM)


class Masker:
    """Masks the terms in texts. ``Masker(terms)``; ``mask(text)``."""

    def __init__(self, looked_for: Iterable[str]) -> None:
        self.terms = sorted(set(looked_for), key=len, reverse=True)

    @classmethod
    def for_personal_data(
        cls, personal_data: PersonalData | None, *earlier: dict[str, Any]
    ) -> Masker:
        current = [personal_data.as_dict()] if personal_data is not None else []
        return cls(terms([*current, *earlier]))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The ranges of ``text`` to mask, sorted and merged."""
        if not self.terms or not text:
            return []
        folded = "".join(map(_fold_char, text))
        present = [term for term in self.terms if term in folded]
        if not present:
            return []
        folded, positions = fold(text)
        found = []
        for term in present:
            start = folded.find(term)
            while start != -1:
                end = start + len(term) - 1
                first, last = positions[start], positions[end]
                whole_chars = (start == 0 or positions[start - 1] != first) and (
                    end + 1 == len(positions) or positions[end + 1] != last
                )
                if whole_chars and _edge(text, first, first - 1) and _edge(text, last, last + 1):
                    found.append((first, last + 1))
                start = folded.find(term, start + 1)
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def mask(self, text: str | None) -> str | None:
        spans = self.spans(text or "")
        if not spans:
            return text
        mark = mask_mark()
        pieces, at = [], 0
        for start, end in spans:
            pieces += [text[at:start], mark]
            at = end
        pieces.append(text[at:])
        return "".join(pieces)


def mask_mark() -> str:
    """What a reader sees where personal data was, in the reader's language."""
    return gettext("[personal data]")


class _AsTyped(Masker):
    def __init__(self) -> None:
        super().__init__(())

    def mask(self, text: str | None) -> str | None:
        return text


AS_TYPED: Masker = _AsTyped()


def masker_for(info_request: InformationRequest) -> Masker:
    """The masker of ``info_request``'s personal data, now and before each correction; read
    once per instance. The values are only looked for, never shown, so reading them is not
    recorded in the personal-data access log (nothing of them reaches the reader)."""
    memo = info_request.__dict__
    if "_free_text_masker" not in memo:
        from openimi.exchange.models import PersonalData
        from openimi.privacy.models import PersonalDataCorrection

        personal_data = PersonalData.objects.filter(info_request_id=info_request.pk).first()
        earlier = PersonalDataCorrection.objects.filter(
            info_request_id=info_request.pk, cleared_at__isnull=True
        ).values_list("old_values", flat=True)
        memo["_free_text_masker"] = Masker.for_personal_data(
            personal_data, *(values for values in earlier if values)
        )
    return memo["_free_text_masker"]
