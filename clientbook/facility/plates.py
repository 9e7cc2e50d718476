"""Plate numbers: the canonical form a gate compares and the folded form suggestions compare.

A plate is typed many ways ("ab-12 cd", "AB12CD", full-width digits from a phone keyboard); its
canonical form is Unicode NFKC, upper case, letters and digits only. The folded form also reads
the letter O as the digit 0 (and I as 1), the confusions a person makes reading a plate aloud: it
widens a search's suggestions and is never used to let a vehicle in.
"""

import unicodedata

_FOLDS = str.maketrans({"O": "0", "I": "1"})


def canonical_plate(typed: str) -> str:
    normal = unicodedata.normalize("NFKC", typed or "").upper()
    return "".join(char for char in normal if char.isalnum())


def folded_plate(typed: str) -> str:
    return canonical_plate(typed).translate(_FOLDS)
