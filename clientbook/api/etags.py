"""Entity tags of versioned records: ``ETag: "<version>"`` on reads and writes, ``If-Match`` on changes.

The tag is the record's ``version`` as a strong, quoted entity tag. A change (PATCH, DELETE) may
send ``If-Match`` with the tag it last saw; the service then compares it with the stored version
under its row lock, and a stale tag gets 412 with the current version and the fields changed since.
A missing ``If-Match`` is accepted: the last write wins. ``*`` matches any version. A value that is
not a list of entity tags is malformed (``IF_MATCH_PATTERN``, checked with the operation's headers:
400); a well-formed tag that names no version the record can be at (a weak tag, one that is not a
number, one past any stored version) is stale (412).
"""

from typing import Any

from django.db import models
from django.http import HttpResponse

from clientbook.core.records.versions import StaleVersion

IF_MATCH_DESCRIPTION = (
    'The ETag of the version your change is based on, e.g. `"3"` (from a GET, POST or PATCH response). '
    "If the record has changed since, nothing is written and the answer is 412 with `current_version` and "
    "the fields changed meanwhile. `*` matches any version. Without If-Match the change is applied to "
    "whatever version is stored (the last write wins)."
)
# RFC 9110 §13.1.1: ``*`` or a comma-separated list of entity tags, strong or weak. Optional white
# space is spaces and tabs only (``\s`` would take in line breaks, which a header cannot carry).
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
# An empty value is taken as no If-Match at all.
IF_MATCH_PATTERN = rf"^[ \t]*(?:\*|{_ENTITY_TAG}(?:[ \t]*,[ \t]*{_ENTITY_TAG})*)?[ \t]*$"
# No record reaches a version past a 64-bit integer; a longer tag is stale without being converted.
MAX_VERSION = 2**63 - 1
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
    Several tags match when one of them is the current version. Weak tags (``W/"3"``) and tags that
    are no storable version never match: ``If-Match`` compares strongly.
    """
    if if_match is None or not if_match.strip():
        return None
    tags = [part.strip() for part in if_match.split(",") if part.strip()]
    if "*" in tags:
        return None
    versions = [version for version in map(_version_of, tags) if version is not None]
    if len(tags) == 1 and versions and versions[0] <= current_version:
        return versions[0]
    if current_version in versions:
        return current_version
    raise StaleVersion(current_version, {})


def _version_of(tag: str) -> int | None:
    """The version a strong tag names, or None when it names none (weak, not a number, too large)."""
    digits = tag[1:-1]
    if not (tag.startswith('"') and digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_VERSION)):
        return None
    version = int(digits)
    return version if version <= MAX_VERSION else None
