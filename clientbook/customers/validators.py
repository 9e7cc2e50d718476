from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone


def validate_not_in_future(value: date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError("The date cannot be in the future.", code="future_date")
