"""es: Django's formats held to the rules of openimi.formats (european.py)."""

from openimi.formats.european import formats_for

globals().update(formats_for("es"))
