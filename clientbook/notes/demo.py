"""The demo office's notes: a few on some demo organizations, written by their relationship officer.

Registered as a part of ``clientbook.customers.demo.load_demo`` (found like ``specs.py``), written
through the kit's writes with the notes' rules, so every note has its audit event and search document.
"""

import random

from clientbook.core.kit import writes
from clientbook.customers.demo import DemoOffice, register_part
from clientbook.notes.specs import NOTES

BODIES = (
    "**Renewal due** in the spring: send the new price list a month ahead.",
    "Prefers *email* to phone calls; replies within a day.",
    "Open questions from the last meeting:\n\n- delivery times to the second site\n- volume discount\n- invoice format",
    "Their purchase orders need the reference `PO-` and the cost centre on every invoice.",
    "Visited the office; see the [company's site](https://example.com) for the new address.",
    "Asked for a call back about the *late* delivery. Escalated to operations.",
)
NOTED_EVERY = 3
NOTES_PER_ORGANIZATION = (1, 1, 2, 3)


def load_notes(office: DemoOffice) -> int:
    rng = random.Random(f"{office.seed}:notes")
    written = 0
    for organization in office.organizations[::NOTED_EVERY]:
        # Written by the organization's officer (a sales user), so the demo shows whose note is whose.
        author = organization.officer
        for index, body in enumerate(rng.sample(BODIES, k=rng.choice(NOTES_PER_ORGANIZATION))):
            values = {"customer": organization, "body": body, "pinned": index == 0}
            writes.create(NOTES, user=author, values=values)
            written += 1
    return written


register_part("notes", load_notes)
