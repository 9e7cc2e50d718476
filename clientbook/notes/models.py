"""Notes on a customer: Markdown text by a user, a few of them pinned to the top."""

import re

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from clientbook.core.models import TrackedModel

BODY_MAX_LENGTH = 10_000
EXCERPT_LENGTH = 60
# Markdown's marks, dropped from the excerpt: a link keeps its text, emphasis and code their words.
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"^(?:#+|>|[-+*]|\d+\.)\s+|[*`]+|(?<!\w)_+|_+(?!\w)")


class Note(TrackedModel):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="notes")
    # Set by the services from the acting user; None for the system's notes (the demo, a script).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    body = models.TextField(
        max_length=BODY_MAX_LENGTH,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        help_text="Markdown: **bold**, *italic*, - lists, [links](https://…), `code`.",
    )
    pinned = models.BooleanField(default=False)

    # Maintained by the kit's writes: the excerpt normalised (one- or two-letter searches) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-pinned", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.excerpt

    @property
    def author_name(self) -> str:
        if self.author is None:
            return "System"
        return self.author.get_full_name() or self.author.get_username()

    @property
    def excerpt(self) -> str:
        """The note's first line as plain text, shortened: its name in headings, messages and the trash."""
        first_line = next((line.strip() for line in self.body.splitlines() if line.strip()), "")
        first_line = _MARKS.sub("", _LINK.sub(r"\1", first_line)).strip() or "Note"
        return first_line if len(first_line) <= EXCERPT_LENGTH else first_line[: EXCERPT_LENGTH - 1].rstrip() + "…"
