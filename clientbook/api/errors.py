"""The one error envelope of the API: ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``.

Every failure an operation can meet (Ninja's own validation, a service's ``ValidationError``, a
permission refusal, a missing object, a database conflict, an unreadable body) is turned into this
shape here, so handlers never build error responses themselves and bad input never becomes a 500.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from clientbook.api.etags import etag
from clientbook.api.parameters import UnknownQueryParameters
from clientbook.core.kit.reveal import TooManyReveals
from clientbook.core.listing.pipeline import InvalidListQuery
from clientbook.core.records.versions import StaleVersion


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class PreconditionFailedOut(ErrorOut):
    """412: ``If-Match`` named a version the record has left; ``errors`` name the fields changed since."""

    current_version: int


# Declared on every operation so the OpenAPI schema (and schemathesis) knows every error shape.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut}
# 400: a query parameter the operation does not take (clientbook.api.parameters), a malformed header;
# 422: a parameter of the wrong type (a path id that is not a number).
READ_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}
INPUT_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **AUTH_ERRORS, 409: ErrorOut, 422: ErrorOut}
PRECONDITION_ERRORS: dict[int, type[Schema]] = {412: PreconditionFailedOut}

# Where Ninja says a value came from; the first part of a pydantic location, never a field name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# Handlers name their JSON body argument ``payload`` and their query schema argument ``filters``;
# Ninja puts those argument names into error locations, but the client never sent them.
_ARGUMENT_NAMES = {"payload", "filters"}
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def error_body(detail: str, errors: Iterable[tuple[str | None, str]] = ()) -> dict[str, Any]:
    return {"detail": detail, "errors": [{"field": field, "message": message} for field, message in errors]}


def field_of(location: Iterable[Any]) -> str | None:
    """The client's name for a pydantic location: ``("body", "payload", "email")`` → ``email``.

    The source and the handler's argument name are Ninja's plumbing, not names the client sent;
    a list position is dropped so ``labels[2]`` is reported as ``labels``.
    """
    parts = list(location)
    if parts and parts[0] in _SOURCES:
        parts.pop(0)
    if parts and parts[0] in _ARGUMENT_NAMES:
        parts.pop(0)
    # Positions in a list and pydantic's union branch tags (``str-enum[Gender]``) are not names.
    names = [str(part) for part in parts if not isinstance(part, int) and "[" not in str(part)]
    return ".".join(names) or None


def _is_text_too_long(error: Mapping[str, Any]) -> bool:
    """A text past its ``max_length``: pydantic says "items" for a text checked after validation."""
    context = error.get("ctx") or {}
    if "max_length" not in context:
        return False
    return error.get("type") == "string_too_long" or (
        error.get("type") == "too_long" and context.get("field_type") == "Value"
    )


def _ninja_validation_errors(exc: NinjaValidationError) -> list[tuple[str | None, str]]:
    errors: list[tuple[str | None, str]] = []
    for error in exc.errors:
        field = field_of(error.get("loc", ()))
        message = str(error.get("msg", "Invalid value."))
        for prefix in _PYDANTIC_PREFIXES:
            message = message.removeprefix(prefix)
        if field is None and error.get("type") == "missing":
            message = "A JSON object body is required."
        elif _is_text_too_long(error):
            context = error["ctx"]
            message = f"A text of at most {context['max_length']:,} characters is allowed"
            if "actual_length" in context:
                message += f" (this one has {context['actual_length']:,})"
            message += "."
        errors.append((field, message))
    return errors


def django_validation_errors(exc: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (None if name == "__all__" else name, message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in exc.messages]


def _summary(errors: list[tuple[str | None, str]], fallback: str) -> str:
    fields = sorted({field for field, _ in errors if field})
    return f"Invalid {', '.join(fields)}." if fields else (errors[0][1] if errors else fallback)


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the envelope for every exception an operation may raise."""

    def respond(request: HttpRequest, status: int, body: Mapping[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _ninja_validation_errors(exc)
        # A header that breaks its syntax (If-Match) makes the request malformed, not its content invalid.
        malformed = any(error.get("loc", ("",))[0] == "header" for error in exc.errors)
        return respond(request, 400 if malformed else 422, error_body(_summary(errors, "Invalid input."), errors))

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = django_validation_errors(exc)
        return respond(request, 422, error_body(_summary(errors, "Invalid input."), errors))

    def on_list_query(request: HttpRequest, exc: InvalidListQuery) -> HttpResponse:
        errors: list[tuple[str | None, str]] = list(exc.errors.items())
        return respond(request, 422, error_body(_summary(errors, "Invalid list query."), errors))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, error_body("Authentication required: log in or send a Bearer token."))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, error_body(str(exc)))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body(str(exc) or "You do not have permission to do this."))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, error_body("Not found."))

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        too_big = isinstance(exc, RequestDataTooBig)
        return respond(request, 400, error_body("The request body is too large." if too_big else "Bad request."))

    def on_stale_version(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        errors = [
            (name, f"Changed since your version; now {json.dumps(change.get('after'), ensure_ascii=False)}.")
            for name, change in exc.changed_fields.items()
        ]
        detail = (
            f"The record changed since the version your If-Match names; it is now at version "
            f"{exc.current_version}. Nothing was written: read it again, then retry with its ETag."
        )
        response = respond(request, 412, {**error_body(detail, errors), "current_version": exc.current_version})
        response["ETag"] = etag(exc.current_version)
        return response

    def on_unknown_query_parameters(request: HttpRequest, exc: UnknownQueryParameters) -> HttpResponse:
        return respond(request, 400, error_body(str(exc), [(name, "Unknown parameter.") for name in exc.names]))

    def on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return respond(request, 409, error_body("The change conflicts with existing data; reload and try again."))

    def on_too_many_reveals(request: HttpRequest, exc: TooManyReveals) -> HttpResponse:
        response = respond(request, 429, error_body(str(exc), [("reveal", str(exc))]))
        response["Retry-After"] = str(exc.retry_after)
        return response

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (TooManyReveals, on_too_many_reveals),
        (NinjaValidationError, on_ninja_validation),
        (DjangoValidationError, on_django_validation),
        (InvalidListQuery, on_list_query),
        (AuthenticationError, on_authentication),
        (HttpError, on_http_error),
        (PermissionDenied, on_permission_denied),
        (Http404, on_not_found),
        (ObjectDoesNotExist, on_not_found),
        (SuspiciousOperation, on_suspicious),
        (IntegrityError, on_integrity),
        (StaleVersion, on_stale_version),
        (UnknownQueryParameters, on_unknown_query_parameters),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
