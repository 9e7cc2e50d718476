"""The address the audit log records: the client's, also behind the proxy that says who it is."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from clientbook.core import context
from clientbook.core.web.middleware import RequestContextMiddleware


def _recorded_address(headers: dict[str, str]) -> str | None:
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(context.current().ip)
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", headers=headers)
    RequestContextMiddleware(view)(request)
    return seen[0]


@override_settings(CLIENTBOOK_CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
@pytest.mark.parametrize("address", ["203.0.113.7", "2001:db8::7"])
def test_behind_the_proxy_the_address_it_sends_is_recorded(address: str) -> None:
    assert _recorded_address({"X-Real-IP": address}) == address


@override_settings(CLIENTBOOK_CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
@pytest.mark.parametrize("header", [{}, {"X-Real-IP": ""}, {"X-Real-IP": "not an address"}])
def test_behind_the_proxy_a_missing_or_malformed_address_falls_back_to_the_connection(header: dict[str, str]) -> None:
    assert _recorded_address(header) == "127.0.0.1"


@override_settings(CLIENTBOOK_CLIENT_ADDRESS_HEADER=None)
def test_without_a_proxy_a_client_cannot_choose_its_address() -> None:
    assert _recorded_address({"X-Real-IP": "203.0.113.7"}) == "127.0.0.1"
