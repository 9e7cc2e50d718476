"""What a name must show, and when two label names read the same.

A name typed by a person (a customer's names, a label's name) must show something: one made only
of spaces and characters that draw nothing (zero-width spaces, joiners, format controls, fillers)
is refused the same way by the forms, the API and imports, since the check is a model validator.

Label names are unique by ``label_key``: two names that differ only in ways a reader cannot see on
a list are the same label (see its docstring for exactly what it folds).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Categories that draw nothing: controls, format characters (U+200B zero-width space, U+200D
# zero-width joiner, U+2060 word joiner, U+FEFF, U+00AD soft hyphen, tag characters …) and separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Letters and marks that render as blank space although Unicode does not class them as such.
_BLANK_LOOKING = frozenset(
    {
        "\u034f",  # combining grapheme joiner
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u17b4",  # Khmer vowel inherent aq
        "\u17b5",  # Khmer vowel inherent aa
        "\u2800",  # Braille pattern blank
        "\u3164",  # Hangul filler
        "\uffa0",  # halfwidth Hangul filler
    }
)
# Marks that only combine with the character before them: alone they show no letter.
_COMBINING_CATEGORIES = frozenset({"Mn", "Me"})
_SPACES = re.compile(r"\s+")
# Look-alikes that neither NFKC nor case folding unite: the Turkish dotless ı, and the combining
# dot that case folding leaves after i when it folds the dotted capital İ.
_I_LOOK_ALIKES = str.maketrans({"ı": "i", "\u0307": None})


def is_invisible(character: str) -> bool:
    """True for a character that draws nothing where it stands (a space, a zero-width character …)."""
    if character.isspace() or character in _BLANK_LOOKING:
        return True
    code_point = ord(character)
    if 0xFE00 <= code_point <= 0xFE0F or 0xE0100 <= code_point <= 0xE01EF:  # variation selectors
        return True
    return unicodedata.category(character) in _INVISIBLE_CATEGORIES


def shows_something(text: str) -> bool:
    """True when ``text`` has at least one character a reader can see (a letter, digit, symbol …)."""
    return any(
        not is_invisible(character) and unicodedata.category(character) not in _COMBINING_CATEGORIES
        for character in text
    )


def validate_visible(value: str) -> None:
    """Refuse a name made only of spaces and invisible characters (an empty one is the field's ``blank`` rule)."""
    if value and not shows_something(value):
        raise ValidationError(
            "Enter a name that shows: this one is only spaces or invisible characters.", code="invisible"
        )


def label_key(name: str) -> str:
    """The form of a label name that two labels may not share: names that read the same get one key.

    In order: Unicode compatibility folding (NFKC: full-width ``ＶＩＰ`` is ``VIP``, the ligature
    ``ﬁ`` is ``fi``, a no-break space is a space), case folding (``str.casefold``: ``ß`` is
    ``ss``), the i look-alikes that case folding keeps apart (the dotless ``ı`` and the dotted
    capital ``İ`` both become ``i``), invisible characters removed (``V\\u200bIP`` is ``VIP``),
    runs of spaces made one and the ends stripped, and NFKC again, since case folding can leave
    text that NFKC would still change. So ``VIP``, ``vip``, ``ＶＩＰ``, ``VıP`` and ``VİP``
    collide. Accents stay: ``Café`` and ``Cafe`` are different words in many languages, and
    letters of different scripts that look alike (Latin ``P``, Cyrillic ``Р``) stay apart.

    The key is kept in ``Label.name_key``; a database index makes it unique among live labels.
    """
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_I_LOOK_ALIKES)
    shown = "".join(character for character in folded if character.isspace() or not is_invisible(character))
    return unicodedata.normalize("NFKC", _SPACES.sub(" ", shown).strip())
