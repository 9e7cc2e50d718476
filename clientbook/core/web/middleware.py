import ipaddress
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import get_exception_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import get_resolver, get_urlconf

from clientbook.core.context import RequestContext, reset_context, set_context
from clientbook.core.web.editing import htmx_redirect, is_htmx

refusal_logger = logging.getLogger("clientbook.refused")


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


class RefusedRequestLogMiddleware:
    """A refused request (a view's ``PermissionDenied``) is logged as one line: who, what and why.

    Django logs each one with its traceback (about 17 lines), though a refusal is the permission
    check doing its job, not a fault in the code; the 403 page is the same as Django's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PermissionDenied):
            return None
        response = get_exception_response(request, get_resolver(get_urlconf()), 403, exception)
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        refusal_logger.warning(
            "Refused %s %s for %s: %s (request %s)",
            request.method,
            # As Django does: a path cannot start a line of its own in the log.
            request.path.encode("unicode_escape").decode("ascii"),
            who,
            str(exception) or "no reason given",
            getattr(request, "request_id", "-"),
            extra={"status_code": 403, "request": request},
        )
        # Django's handler logs every 4xx response once more unless it is marked as logged (its own flag).
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response


class LoginGate(LoginRequiredMiddleware):
    """The one sign-in check of every page: a visitor who is not signed in is sent to the login page,
        back to the page afterwards. Views marked ``login_not_required`` (login, password reset) are open.

        An htmx request (a modal, a tab, a list refresh) is answered with ``HX-Redirect``, so the whole
        page goes to the login page, and the page to come back to is the one the request came from, not
        the fragment's URL. The API's operations are marked ``login_not_required`` (``ClientbookAPI``):
    they answer for themselves, 401 in the error envelope.
    """

    # An htmx answer is a 204 with HX-Redirect, not the redirect the stubs expect.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponseBase:
        if not is_htmx(request):
            return super().handle_no_permission(request, view_func)  # type: ignore[no-any-return]
        login = redirect_to_login(
            request.htmx.current_url_abs_path or request.get_full_path(),  # type: ignore[attr-defined]
            self.get_login_url(view_func),
            self.get_redirect_field_name(view_func),
        )
        return htmx_redirect(login["Location"])
