"""The customer's identity numbers (KYC): PAN and Aadhaar as sensitive kinds (``clientbook.core.sensitive``).

python-stdnum checks them: a PAN is five letters, four digits and a letter, its fourth letter a
known holder type; an Aadhaar number is twelve digits, not starting with 0 or 1, with a Verhoeff
check digit. The messages never repeat the value.
"""

from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as NumberError
from stdnum.in_ import aadhaar, pan

from clientbook.core.sensitive import SensitiveKind, register_kind

PAN_FORMAT = "A PAN has ten characters: five letters, four digits and a letter (AAAAA9999A)."
PAN_HOLDER = (
    "The PAN's fourth letter is not a known holder type "
    "(P person, C company, H Hindu undivided family, F firm, A association, T trust, B body of individuals, "
    "L local authority, J artificial juridical person, G government)."
)
PAN_SERIAL = "A PAN's four digits are never 0000."
AADHAAR_FORMAT = "An Aadhaar number has twelve digits and does not start with 0 or 1."
AADHAAR_CHECKSUM = "This Aadhaar number's check digit is wrong (the Verhoeff check fails): look for a typo."


def validate_pan(value: str) -> None:
    try:
        pan.validate(value)
    except InvalidComponent:
        if pan.compact(value)[5:9] == "0000":
            raise ValidationError(PAN_SERIAL, code="pan_serial") from None
        raise ValidationError(PAN_HOLDER, code="pan_holder_type") from None
    except NumberError:
        raise ValidationError(PAN_FORMAT, code="pan_format") from None


def validate_aadhaar(value: str) -> None:
    try:
        aadhaar.validate(value)
    except InvalidChecksum:
        raise ValidationError(AADHAAR_CHECKSUM, code="aadhaar_checksum") from None
    except (InvalidLength, NumberError):
        raise ValidationError(AADHAAR_FORMAT, code="aadhaar_format") from None


PAN = register_kind(SensitiveKind(key="pan", label="PAN", compact=pan.compact, validate=validate_pan, mask=pan.mask))
AADHAAR = register_kind(
    SensitiveKind(key="aadhaar", label="Aadhaar", compact=aadhaar.compact, validate=validate_aadhaar, mask=aadhaar.mask)
)
SENSITIVE_FIELDS = ("pan", "aadhaar")
