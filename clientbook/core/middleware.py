import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from clientbook.core.context import RequestContext, reset_context, set_context


class RequestContextMiddleware:
    """Records the client address, user agent and a request id for the services and the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex,
            ip=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        request.request_id = context.request_id  # type: ignore[attr-defined]
        token = set_context(context)
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        response["X-Request-ID"] = context.request_id
        return response


def client_address(request: HttpRequest) -> str | None:
    """The client's address: behind the proxy (``CLIENTBOOK_CLIENT_ADDRESS_HEADER``) the one it sends,
    else ``REMOTE_ADDR``. A header that is not an address is ignored rather than recorded."""
    header = settings.CLIENTBOOK_CLIENT_ADDRESS_HEADER
    if header:
        try:
            return str(ipaddress.ip_address(request.META.get(header, "").strip()))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")
