"""Phone numbers: any number of the right length for its country is kept, in E.164.

``phonenumbers.is_valid_number`` also checks each digit range against metadata that trails real
numbering plans, and refused 61 % of the phones of a real customer export (tests/imports). A
customer module must keep such numbers, so the rule here is ``is_possible_number`` (the length is
right for the country), still decided by the library; storage and display stay E.164 and
international format. Decision record 0002 (docs/development/decisions) says why.
"""

from typing import Any

import phonenumbers
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

    def get_prep_value(self, value: Any) -> Any:
        number = to_python(value, region=self.region)
        if isinstance(number, PhoneNumber) and phonenumbers.is_possible_number(number):
            return number.as_e164
        return super().get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})
