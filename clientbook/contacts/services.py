"""A contact's rules; the kit's write skeleton (clientbook.core.kit.writes) does the rest."""

from typing import Any

from django.core.exceptions import ValidationError

from clientbook.contacts.models import Contact
from clientbook.core.kit import writes


def validate(contact: Contact) -> None:
    if contact.organization_id and contact.organization.kind != "organization":
        raise ValidationError({"organization": "Contacts belong to an organization customer."})


def before_save(contact: Contact, user: Any, changed: tuple[str, ...]) -> None:
    """Making a contact primary takes the flag from the organization's other primary, in the same transaction."""
    if contact.is_primary and (not changed or "is_primary" in changed or "organization" in changed):
        for other in Contact.objects.filter(organization_id=contact.organization_id, is_primary=True).exclude(
            pk=contact.pk
        ):
            writes.update(other, user=user, values={"is_primary": False})


def after_delete(contact: Contact, user: Any) -> str | None:
    return "It was the primary contact; none is primary now." if contact.is_primary else None


def set_primary(user: Any, contact: Contact, expected_version: int | None = None) -> str:
    writes.update(contact, user=user, values={"is_primary": True}, expected_version=expected_version)
    return f"{contact.name} is now the primary contact."
