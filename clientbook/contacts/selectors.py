"""Reads with logic: the primary contact an organization's page header shows."""

from collections.abc import Iterable
from typing import Any

from clientbook.contacts.models import Contact
from clientbook.core.kit.spec import Fact
from clientbook.core.permissions import restrict


def primary_contact_facts(user: Any, organization: Any) -> Iterable[Fact]:
    """ "Primary contact" in an organization's header: the name, with the job title and how to reach them."""
    primary = restrict(user, "view", Contact.objects.filter(organization=organization, is_primary=True)).first()
    if primary is None:
        return [Fact("Primary contact", "—", key="primary-contact")]
    reach = " · ".join(part for part in (primary.job_title, str(primary.phone or ""), primary.email) if part)
    return [Fact("Primary contact", primary.name, hint=reach, key="primary-contact")]
