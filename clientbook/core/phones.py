"""Phone numbers: any number of the right length for its country is kept, in E.164.

``phonenumbers.is_valid_number`` also checks each digit range against metadata that trails real
numbering plans, and refused 61 % of the phones of a real customer export (tests/imports). A
customer module must keep such numbers, so the rule here is ``is_possible_number`` (the length is
right for the country), still decided by the library; storage and display stay E.164 and
international format. Decision record 0002 (docs/development/decisions) says why.
"""

from typing import Any

import phonenumbers
from django.conf import settings
from django.core import validators
from django.core.exceptions import ValidationError
from phonenumber_field import formfields, modelfields
from phonenumber_field.phonenumber import PhoneNumber, to_python


def validate_phone(value: Any) -> None:
    number = to_python(value)
    if isinstance(number, PhoneNumber) and not phonenumbers.is_possible_number(number):
        raise ValidationError(
            "Enter a phone number with the right number of digits, e.g. +1 940 986 3836.", code="invalid"
        )


class PhoneFormField(formfields.PhoneNumberField):
    default_validators = [validate_phone]


class PhoneField(modelfields.PhoneNumberField):
    """A ``PhoneNumberField`` that keeps every possible number, stored as E.164."""

    default_validators = [validate_phone]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A possible number is at most 16 characters in E.164 and ``validate_phone`` refuses every
        # other value, so the column's length check adds nothing but a costly ``len(PhoneNumber)``
        # (it formats the number after checking it against the numbering plan).
        self.validators[:] = [
            check for check in self.validators if not isinstance(check, validators.MaxLengthValidator)
        ]

    def get_prep_value(self, value: Any) -> Any:
        number = to_python(value, region=self.region)
        if isinstance(number, PhoneNumber) and phonenumbers.is_possible_number(number):
            return number.as_e164
        return super().get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})


# What a typed phone number may hold besides its digits: ``+1 (940) 986-3836``, ``940.986.3836``.
_PHONE_PUNCTUATION = frozenset(" +-().x/")
# Fewer digits than this is a code's number or a postcode, not a phone number.
MIN_PHONE_DIGITS = 5


def typed_e164(text: str, region: str | None = None) -> str | None:
    """A phone number typed in any format, in E.164 (``(940) 986-3836`` → ``+19409863836``), else None.

    A number without its country code is read in ``region`` (default ``PHONENUMBER_DEFAULT_REGION``).
    Text that holds anything but digits and phone punctuation is not a phone number.
    """
    text = text.strip()
    digit_count = sum(ch.isdigit() for ch in text)
    if digit_count < MIN_PHONE_DIGITS or not all(ch.isdigit() or ch in _PHONE_PUNCTUATION for ch in text):
        return None
    try:
        number = phonenumbers.parse(text, region or settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
