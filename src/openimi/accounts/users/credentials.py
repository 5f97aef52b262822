"""User names and temporary passwords for new users (used by ``services``).

User names are ``first.last``: each name folded to ASCII, lower case, letters and digits
only, so "Pieter de Kort" gives ``pieter.dekort`` and "Zoë Ångström-Ørsted"
``zoe.angstromorsted``; a number follows when the name is taken (``pieter.dekort2``).
"""

import re
import secrets
import unicodedata

from openimi.accounts.models import User

# Letters that NFKD does not fold to ASCII, and Bulgarian Cyrillic and Greek (simplified
# official romanisations), so that every EU name gives a readable user name.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
    | {"ı": "i", "ħ": "h", "ŧ": "t"}
    | dict(zip("абвгдезиклмнопрстуфхъ", "abvgdeziklmnoprstufha", strict=True))
    | {"ж": "zh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ь": "y", "ю": "yu", "я": "ya"}
    | dict(zip("αβγδεζηικλμνξοπρσςτυφω", "avgdeziiklmnxoprsstyfo", strict=True))
    | {"θ": "th", "χ": "ch", "ψ": "ps"}
)
_NOT_ALLOWED = re.compile(r"[^a-z0-9]")
USERNAME_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,148}[a-z0-9])?$")
_NAME_PART_LENGTH = 30


def _ascii_name(name: str) -> str:
    # й before the accents go (NFKD would make it и); ου is one Greek sound, "ou".
    text = (name or "").lower().replace("й", "y")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("ου", "ou").translate(_FOLD)
    return _NOT_ALLOWED.sub("", text)[:_NAME_PART_LENGTH]


def username_generate(first_name: str, last_name: str) -> str:
    """A free user name ``first.last`` (ASCII, lower case), with a number when taken."""
    base = ".".join(part for part in (_ascii_name(first_name), _ascii_name(last_name)) if part)
    base = base or "user"
    taken = {
        name.lower()
        for name in User.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


# No characters that look alike (0/O/o, 1/l/I): the password is typed from an e-mail.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password_generate() -> str:
    """Four groups of four characters (``k7Pq-x3Rt-M9wz-Ha4c``): about 93 bits, 19 characters,
    easy to read and to type, and accepted by the password validators."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
