"""The demo office's contacts: one to four people at every demo organization.

Registered as a part of ``clientbook.customers.demo.load_demo`` (which finds this module the way
``specs.py`` is found), so customers never import contacts. Written through the kit's writes with
the contacts' rules, so every contact has its audit event and search document and its organization
is found by the contact's name.
"""

import random
from typing import Any

from clientbook.contacts.specs import CONTACTS
from clientbook.core.kit import writes
from clientbook.customers.demo import Country, DemoOffice, PhoneBook, country_by_code, email_local, register_part

# department → job titles found in it; "" is a contact nobody filed under a department.
ROLES: dict[str, tuple[str, ...]] = {
    "Purchasing": ("Head of Purchasing", "Senior Buyer", "Procurement Manager"),
    "Finance": ("Chief Financial Officer", "Finance Manager", "Accounts Payable Lead"),
    "Operations": ("Operations Manager", "Logistics Coordinator", "Site Manager"),
    "IT": ("IT Manager", "Systems Administrator"),
    "Management": ("Managing Director", "Chief Executive Officer", "Office Manager"),
    "Sales": ("Sales Director", "Key Account Manager"),
    "Legal": ("General Counsel", "Compliance Officer"),
    "": ("Assistant", "Consultant"),
}
NOTES = (
    "Prefers email to phone calls.",
    "Signs off purchase orders above the usual limit.",
    "Part-time: reachable Monday to Wednesday.",
    "Met at the spring trade fair.",
)
CONTACTS_PER_ORGANIZATION = (1, 1, 2, 2, 2, 3, 3, 4)
# One organization in twelve has no primary contact, so the demo shows that case too.
WITHOUT_PRIMARY_EVERY = 12


def contact_fields(
    rng: random.Random, phones: PhoneBook, *, country: Country, domain: str, count: int, with_primary: bool
) -> list[dict[str, Any]]:
    """``count`` people of one organization in ``country`` with mail at ``domain``, the first primary if asked."""
    people: list[dict[str, Any]] = []
    names: set[tuple[str, str]] = set()
    while len(people) < count:
        female = rng.random() < 0.5
        first = rng.choice(country.first_names_female if female else country.first_names_male)
        last = rng.choice(country.last_names)
        if (first, last) in names:
            continue
        names.add((first, last))
        department = rng.choice(list(ROLES))
        people.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{email_local(first, last)}@{domain}",
                "phone": phones.number(country) if rng.random() < 0.85 else "",
                "job_title": rng.choice(ROLES[department]),
                "department": department,
                "is_primary": with_primary and not people,
                "notes": rng.choice(NOTES) if rng.random() < 0.2 else "",
            }
        )
    return people


def load_contacts(office: DemoOffice) -> int:
    # Seeded apart from the customers' generators, so adding contacts leaves the customers as they were.
    rng = random.Random(f"{office.seed}:contacts")
    phones = PhoneBook(random.Random(f"{office.seed}:contacts:phones"))
    organizations = office.organizations
    few = min(len(organizations), max(1, len(organizations) // WITHOUT_PRIMARY_EVERY))
    without_primary = set(rng.sample(range(len(organizations)), k=few))
    written = 0
    for index, organization in enumerate(organizations):
        people = contact_fields(
            rng,
            phones,
            country=country_by_code(organization.country.code),
            domain=organization.email.rpartition("@")[2],
            count=rng.choice(CONTACTS_PER_ORGANIZATION),
            with_primary=index not in without_primary,
        )
        for values in people:
            writes.create(CONTACTS, user=None, values={"organization": organization, **values})
        written += len(people)
    return written


register_part("contacts", load_contacts)
