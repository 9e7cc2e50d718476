"""``GET /api/v1/search?q=``: the universal search (``clientbook.core.kit.universal``), as the palette shows it."""

from dataclasses import asdict
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator

from clientbook.api.auth import caller, requires
from clientbook.api.errors import AUTH_ERRORS, ErrorOut
from clientbook.api.fields import Text
from clientbook.core.kit.universal import MAX_QUERY_LENGTH, PER_GROUP, universal_search

router = Router(tags=["search"])

# Some character other than a space, and no NUL (``clientbook.api.fields.Text``), as the handler enforces.
QUERY_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Type something to search for.")
    return value


class SearchQuery(Schema):
    q: Annotated[Text, AfterValidator(_not_blank)] = Field(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="Words to find (every word must match), or an identifier: a customer code, a client id, "
        "an e-mail address, a phone number in any format.",
        json_schema_extra={"pattern": QUERY_PATTERN},
    )


class SearchResultOut(Schema):
    kind: str = Field(description="The group's kind: the records' URL segment, e.g. customers.")
    title: str = Field(description="The record's name.")
    short_name: str = Field(description="Its code where it has one, e.g. CUST0000001; else empty.")
    subtitle: str = Field(description="A line about it: e-mail, phone and city; a note's customer.")
    url: str = Field(description="Its page.")
    exact: bool = Field(description="The query is one of its identifiers (code, client id, e-mail, phone).")


class SearchGroupOut(Schema):
    kind: str
    title: str = Field(description="The kind's name, e.g. Customers.")
    results: list[SearchResultOut] = Field(description=f"At most {PER_GROUP}, exact identifiers first.")
    more: bool = Field(description="More records match than are listed (they are not counted).")
    see_all_url: str = Field(description="The kind's list page searched for the same words.")


class SearchOut(Schema):
    query: str = Field(description="The query as searched (without surrounding spaces).")
    exact: SearchResultOut | None = Field(
        description="The record the query names exactly (the first group's first exact result), or null."
    )
    groups: list[SearchGroupOut] = Field(
        description="One per kind of record the caller may view that has results, in the sidebar's order."
    )


@router.get(
    "",
    response={200: SearchOut, 400: ErrorOut, **AUTH_ERRORS, 422: ErrorOut},
    auth=requires(),
    operation_id="search",
    summary="Search every kind of record",
)
def search(request: HttpRequest, filters: Query[SearchQuery]) -> Any:
    """Records of every kind the caller may view (customers, contacts, notes …) matching ``q``, in
    groups of at most five, as the Ctrl+K palette shows them. A query equal to an identifier ranks that
    record first with ``exact`` true and names it in ``exact``. Groups are not counted: ``more`` says
    that the list page (``see_all_url``) has more."""
    found = universal_search(caller(request), filters.q)
    return {
        "query": found.query,
        "exact": asdict(found.exact) if found.exact is not None else None,
        "groups": [asdict(group) for group in found.groups],
    }
