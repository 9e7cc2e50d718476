"""Entity tags of versioned records: ``ETag: "<version>"`` on reads and writes, ``If-Match`` on changes.

The tag is the record's ``version`` as a strong, quoted entity tag. A change (PATCH, DELETE) may
send ``If-Match`` with the tag it last saw; the service then compares it with the stored version
under its row lock, and a stale tag gets 412 with the current version and the fields changed since.
A missing ``If-Match`` is accepted: the last write wins. ``*`` matches any version.
"""

from typing import Any

from django.db import models
from django.http import HttpResponse

from clientbook.core.versions import StaleVersion

IF_MATCH_DESCRIPTION = (
    'The ETag of the version your change is based on, e.g. `"3"` (from a GET, POST or PATCH response). '
    "If the record has changed since, nothing is written and the answer is 412 with `current_version` and "
    "the fields changed meanwhile. `*` matches any version. Without If-Match the change is applied to "
    "whatever version is stored (the last write wins)."
)
ETAG_DESCRIPTION = 'The record\'s version as a strong entity tag, e.g. `"3"`; send it back in If-Match.'


def etag_documented(status: int) -> dict[str, Any]:
    """``openapi_extra`` of an operation whose ``status`` response carries the ETag header."""
    header = {"ETag": {"description": ETAG_DESCRIPTION, "schema": {"type": "string", "example": '"3"'}}}
    return {"responses": {status: {"headers": header}}}


def etag(version: int) -> str:
    return f'"{version}"'


def tag(response: HttpResponse, obj: models.Model) -> None:
    """Put ``obj``'s version on ``response`` as its ETag."""
    response["ETag"] = etag(obj.version)  # type: ignore[attr-defined]


def expected_version(if_match: str | None, current_version: int) -> int | None:
    """The version a change must find, from ``If-Match``; None when any version will do.

    One tag is handed to the service, which compares it under its lock (and names what changed).
    Several tags match when one of them is the current version. Weak tags (``W/"3"``) and anything
    that is not a tag never match: ``If-Match`` compares strongly.
    """
    if if_match is None or not if_match.strip():
        return None
    tags = [part.strip() for part in if_match.split(",") if part.strip()]
    if "*" in tags:
        return None
    versions = [int(part[1:-1]) for part in tags if _is_strong_tag(part)]
    if len(tags) == 1 and versions:
        return versions[0]
    if current_version in versions:
        return current_version
    raise StaleVersion(current_version, {})


def _is_strong_tag(text: str) -> bool:
    return len(text) > 2 and text[0] == text[-1] == '"' and text[1:-1].isdigit()
