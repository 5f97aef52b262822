"""Text as a search compares it: accents, case and a few letters that are no accented form
of another (ß, æ, ø, ł, ð, þ…) folded away, so that Köln, Koln and KÖLN, Łódź and Lodz,
Ελλάδα, ΕΛΛΑΔΑ and Ελλαδα are the same word to the directory's search."""

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark, spelt as readers
# of those languages do without them (Danish/Norwegian æ→ae, ø→o; Icelandic ð→d, þ→th;
# Polish ł→l; Croatian đ→d; Maltese ħ→h; German ß→ss, as casefold() also does).
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ħ": "h",
        "Ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "Ŀ": "l",
    }
)


def fold(text: str) -> str:
    """``text`` without accents, in one case (Unicode case folding: ς and σ are one)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold()
