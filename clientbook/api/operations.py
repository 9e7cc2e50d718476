"""Bulk operations in the API: what a bulk endpoint takes and answers, and ``/api/v1/operations``.

A model's bulk endpoint (``POST /api/v1/customers/bulk``, from ``clientbook.api.kit``) takes its
selection as ``codes`` (``ids`` for a model without codes) or as ``filter`` (the list endpoint's
search and filter parameters, so "all matching" is exactly what the list returns) and answers
with the operation's id; ``GET /api/v1/operations/{id}`` reads the operation back and
``POST /api/v1/operations/{id}/undo`` undoes it.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django_filters import FilterSet
from ninja import Field, Router, Schema, Status

from clientbook.api.auth import caller, requires
from clientbook.api.errors import READ_ERRORS, ErrorOut, error_body
from clientbook.api.fields import named_choices
from clientbook.api.pagination import query_dict
from clientbook.core.listing.pipeline import InvalidListQuery, ListSpec
from clientbook.core.models import BulkOperation
from clientbook.core.records import bulk

router = Router(tags=["operations"])
BulkOperationState = named_choices("BulkOperationState", BulkOperation.State)

CODES_FIELD = "codes"
FILTER_FIELD = "filter"


def keys_description(model: type[Model], *, keys: str = CODES_FIELD) -> str:
    return f"The {keys} of the {model._meta.verbose_name_plural} to change (at most {bulk.MAX_ROWS:,})."


def filter_description(filterset: type[FilterSet], *, keys: str = CODES_FIELD) -> str:
    names = ", ".join(filterset.base_filters)
    return (
        f"Instead of {keys}: every record matching these list parameters (as the list endpoint takes them; "
        f"a list value for a repeated one): {names}. An empty object selects every record."
    )


class BulkOut(Schema):
    operation: UUID = Field(description="The operation's id: read it at /api/v1/operations/{id}, undo it there.")
    count: int = Field(description="Records changed (selected ones that already were as asked are not).")
    selected: int = Field(description="Records selected.")


class OperationOut(Schema):
    id: UUID
    name: str
    description: str
    object_type: str
    user: str | None = Field(description="Who ran it (username); null for the system.")
    created_at: datetime
    finished_at: datetime | None
    state: BulkOperationState  # type: ignore[valid-type]
    selected: int
    count: int = Field(description="Records changed.")
    error: str = Field(description="Why it stopped, when its state is failed.")
    undone_at: datetime | None
    undone_by: str | None
    undo_operation: UUID | None = Field(description="The operation that undid this one.")
    undoes: UUID | None = Field(description="The operation this one undid.")

    @staticmethod
    def resolve_user(operation: BulkOperation) -> str | None:
        return operation.user.get_username() if operation.user else None

    @staticmethod
    def resolve_selected(operation: BulkOperation) -> int:
        return operation.selected_count

    @staticmethod
    def resolve_count(operation: BulkOperation) -> int:
        return operation.row_count

    @staticmethod
    def resolve_undone_by(operation: BulkOperation) -> str | None:
        return operation.undone_by.get_username() if operation.undone_by else None

    @staticmethod
    def resolve_undo_operation(operation: BulkOperation) -> UUID | None:
        return BulkOperation.objects.filter(undoes=operation).values_list("pk", flat=True).first()

    @staticmethod
    def resolve_undoes(operation: BulkOperation) -> UUID | None:
        return operation.undoes_id


def selection_from(
    spec: ListSpec,
    keys: Sequence[str | int] | None,
    filters: dict[str, str | list[str]] | None,
    *,
    keys_field: str = CODES_FIELD,
) -> bulk.Selection:
    """``keys`` (codes or ids, as ``keys_field`` names them) or ``filter``, exactly one; a filter name the
    list does not know is refused, never ignored."""
    if (keys is None) == (filters is None):
        raise ValidationError({keys_field: f"Send either {keys_field} or filter."})
    if keys is not None:
        return bulk.Selection.of_keys(str(key).strip().upper() for key in keys)
    assert filters is not None
    known = spec.filterset.base_filters
    unknown = [name for name in filters if name not in known]
    if unknown:
        raise ValidationError({f"{FILTER_FIELD}.{name}": "Unknown filter." for name in unknown})
    return bulk.Selection.matching(query_dict(filters))


@contextmanager
def bulk_errors(selection: bulk.Selection, *, keys_field: str = CODES_FIELD) -> Iterator[None]:
    """Name the client's fields in refusals: ``codes`` (``ids``) or ``filter.<name>`` rather than the selection."""
    field = FILTER_FIELD if selection.all_matching else keys_field
    try:
        yield
    except InvalidListQuery as error:
        raise ValidationError({f"{FILTER_FIELD}.{name}": message for name, message in error.errors.items()}) from error
    except bulk.BulkStopped as stopped:
        if stopped.operation is None:
            raise
        raise ValidationError(f"{stopped.message} Operation {stopped.operation.id}.") from stopped
    except ValidationError as error:
        if not hasattr(error, "error_dict") or bulk.SELECTION_FIELD not in error.error_dict:
            raise
        messages = error.message_dict
        raise ValidationError(
            {(field if name == bulk.SELECTION_FIELD else name): message for name, message in messages.items()}
        ) from error


def _operation_for(request: HttpRequest, operation_id: UUID) -> BulkOperation:
    operation = bulk.get_operation(operation_id)
    if not bulk.may_use(caller(request), operation):
        raise PermissionDenied("Your role may not change the records of this operation.")
    return operation


@router.get(
    "/{operation_id}",
    response={200: OperationOut, **READ_ERRORS, 422: ErrorOut},
    auth=requires(),
    operation_id="get_operation",
    summary="Get a bulk operation",
)
def get_operation(request: HttpRequest, operation_id: UUID) -> Any:
    """Who ran it, when, what it did, how many records it changed, and whether it was undone.
    Readable by whoever may change the records it changed."""
    return _operation_for(request, operation_id)


@router.post(
    "/{operation_id}/undo",
    response={200: OperationOut, **READ_ERRORS, 409: ErrorOut, 422: ErrorOut},
    auth=requires(),
    operation_id="undo_operation",
    summary="Undo a bulk operation",
)
def undo_operation(request: HttpRequest, operation_id: UUID) -> Any:
    """Puts back every value the operation changed, as a new operation (returned; its ``undoes`` is
    this one). 409 when it was already undone, is itself an undo, or when a record changed after it:
    then ``errors`` names each such record and nothing is undone."""
    operation = _operation_for(request, operation_id)
    try:
        return bulk.undo(user=caller(request), operation=operation)
    except bulk.UndoRefused as refused:
        return Status(409, error_body(refused.message, [(None, str(row)) for row in refused.rows]))
