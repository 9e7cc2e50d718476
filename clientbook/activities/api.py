"""``GET /api/v1/customers/{code}/timeline``: one customer's timeline, newest first, paged.

The entries are the activity list's (``/api/v1/activities``) fixed to the customer: the same
FilterSet without its customer filter, the same pipeline (permissions, search, the chips' ``group``,
sort, paging, counting), so a chip or a filter means the same here, on the Activities tab and in the
export. Each item also carries its description as sanitised HTML, as the tab shows it.
"""

import dataclasses
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from clientbook.activities import selectors
from clientbook.activities.api_schemas import TimelinePage
from clientbook.activities.lists import TimelineFilterSet
from clientbook.activities.models import Activity
from clientbook.activities.specs import ACTIVITIES
from clientbook.api.auth import caller, requires
from clientbook.api.errors import READ_ERRORS
from clientbook.api.kit import refuse_repeated
from clientbook.api.kit_schemas import list_query_schema, options_of
from clientbook.api.pagination import MAX_PAGE_SIZE, page_from_result, query_dict
from clientbook.core.kit import registration
from clientbook.core.listing.pipeline import page_size_from, run_list
from clientbook.core.permissions import restrict
from clientbook.customers.models import Customer

router = Router(tags=["activities"])

# The activity list with the timeline's filters; its rows are narrowed to one customer per request.
TIMELINE = dataclasses.replace(registration.list_spec(ACTIVITIES), filterset=TimelineFilterSet, exact_count=True)
TimelineQuery = list_query_schema(TIMELINE, options_of(ACTIVITIES))
SINGLE_VALUED = [name for name, info in TimelineQuery.model_fields.items() if "list[" not in str(info.annotation)]


@router.get(
    "/{code}/timeline",
    response={200: TimelinePage, **READ_ERRORS},
    auth=requires("view", Activity),
    operation_id="get_customer_timeline",
    summary="A customer's timeline: its activities, newest first",
)
def timeline(request: HttpRequest, code: str, filters: Query[TimelineQuery]) -> Any:  # type: ignore[valid-type]
    """The customer's live entries, newest first (``sort`` as the activity list takes it), with the
    activity list's filters: ``group`` is a chip of the Activities tab (communication, notes, changes,
    deals). 404 when the customer is unknown, deleted or not visible to the caller; 422 naming a
    refused filter value."""
    refuse_repeated(request, SINGLE_VALUED)
    user = caller(request)
    customer = restrict(user, "view", Customer.objects.filter(code=code.strip().upper())).values_list("pk", flat=True)
    customer_id = customer.first()
    if customer_id is None:
        raise Http404(f"No customer has the code {code}.")
    listed = dataclasses.replace(TIMELINE, queryset=lambda user: selectors.timeline(user, customer_id))
    values = filters.model_dump(exclude={"page", "page_size"}, mode="json")  # type: ignore[attr-defined]
    size = page_size_from(filters.page_size, maximum=MAX_PAGE_SIZE)  # type: ignore[attr-defined]
    result = run_list(listed, user, query_dict(values), page_size=size, page_number=filters.page)  # type: ignore[attr-defined]
    return page_from_result(result, filters.page)  # type: ignore[attr-defined]
