"""The audit log page and its CSV export: administrators only, the shared filters, injection-safe cells."""

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientbook.core.exports.formats.tabular import neutralise_formula
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
RESULTS = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def log(users: dict[str, Any]) -> dict[str, Any]:
    """A few events by different actors, one of them two days old."""
    ada = CustomerFactory(first_name="Ada", last_name="Lovelace", city="London")
    grace = CustomerFactory(first_name="Grace", last_name="Hopper")
    services.update_customer(user=users["sales"], customer=ada, city="Paris")
    services.change_status(user=users["admin"], customer=grace, status="inactive")
    LabelFactory(name="VIP")
    # An event from two days ago (events are append-only: it is written with its time).
    AuditEvent.objects.create(
        at=timezone.now() - timedelta(days=2),
        action=AuditEvent.Action.UPDATE,
        actor=users["support"],
        actor_kind=AuditEvent.ActorKind.USER,
        actor_display=users["support"].username,
        object_type=audit.object_type(ada),
        object_id=str(ada.pk),
        object_code=ada.code,
        object_display=str(ada),
        changes={"city": {"before": "Rome", "after": "London"}},
    )
    return {"ada": ada, "grace": grace}


def list_html(client: Client, **params: str) -> str:
    response = client.get(reverse("audit:event_list"), params, headers=RESULTS)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> int:
    return html.count("data-action=")


def export(client: Client, **params: str) -> list[dict[str, str]]:
    response = client.get(reverse("audit:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- Who may read it ------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["audit:event_list", "audit:export"])
def test_only_admins_read_the_log(client_for: ClientFor, url_name: str) -> None:
    url = reverse(url_name)
    assert client_for("admin").get(url).status_code == 200
    for role in ("sales", "support", "accounting"):
        assert client_for(role).get(url).status_code == 403
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_the_sidebar_links_the_log_for_admins_only(client_for: ClientFor) -> None:
    customers = reverse("customers:customer_list")
    assert reverse("audit:event_list") in client_for("admin").get(customers).content.decode()
    assert reverse("audit:event_list") not in client_for("sales").get(customers).content.decode()


def test_no_page_writes_events(client_for: ClientFor) -> None:
    admin = client_for("admin")
    for url in (reverse("audit:event_list"), reverse("audit:export")):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(admin, method)(url).status_code == 405


# --- The page -------------------------------------------------------------------------------------


def test_page_lists_newest_first_with_readable_changes(client_for: ClientFor, log: dict[str, Any]) -> None:
    html = client_for("admin").get(reverse("audit:event_list")).content.decode()
    assert "Audit log" in html and 'data-testid="export-csv"' in html
    first, second = html.index('data-action="status_change"'), html.index('data-action="update"')
    assert first < second  # the status change came after the update
    assert "City: London → Paris" in html
    assert reverse("customers:customer_history", kwargs={"code": log["ada"].code}) in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "update"}, 2),
        ({"action": "status_change"}, 1),
        ({"user": "sales-user"}, 1),
        ({"object_type": "customers.label"}, 1),
        ({"object_type": "customers.customer", "action": "create"}, 2),
        ({"q": "lovelace"}, 3),
    ],
)
def test_filters(client_for: ClientFor, log: dict[str, Any], params: dict[str, str], expected: int) -> None:
    assert rows(list_html(client_for("admin"), **params)) == expected


def test_filter_by_object_code_and_dates(client_for: ClientFor, log: dict[str, Any]) -> None:
    admin = client_for("admin")
    assert rows(list_html(admin, object_code=log["grace"].code.lower())) == 2
    today = timezone.localdate().isoformat()
    two_days_ago = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert rows(list_html(admin, at_after=today)) == rows(list_html(admin)) - 1  # all but the two-day-old one
    assert rows(list_html(admin, at_before=two_days_ago)) == 1
    assert rows(list_html(admin, at_after=two_days_ago, at_before=two_days_ago, action="update")) == 1


def test_a_bad_filter_is_shown_not_a_500(client_for: ClientFor, log: dict[str, Any]) -> None:
    response = client_for("admin").get(reverse("audit:event_list"), {"action": "explode", "at_after": "soon"})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_sorting_by_time_and_paging(client_for: ClientFor, log: dict[str, Any]) -> None:
    admin = client_for("admin")
    oldest_first = list_html(admin, sort="at", per_page="10")
    assert oldest_first.index('data-action="create"') < oldest_first.index('data-action="status_change"')
    for number in range(8):
        services.update_customer(user=log["ada"].officer, customer=log["ada"], city=f"City {number}")
    second_page = list_html(admin, per_page="10", page="2")
    total = AuditEvent.objects.count()  # the customers' events and the set-up's users and logins
    assert f"11–{total} of {total}" in second_page
    assert rows(second_page) == total - 10 and "City 0" not in second_page  # the newest ten are on page one


# --- CSV export -----------------------------------------------------------------------------------


def test_export_has_the_filtered_events_and_is_audited(
    client_for: ClientFor, users: dict[str, Any], log: dict[str, Any]
) -> None:
    exported = export(client_for("admin"), action="update", sort="at")
    assert [row["action"] for row in exported] == ["update", "update"]
    assert exported[0]["at"] < exported[1]["at"]  # oldest first, as asked
    update = exported[1]
    assert (update["actor"], update["actor_kind"], update["object_code"]) == ("sales-user", "user", log["ada"].code)
    assert update["changes"] == '{"city": {"after": "Paris", "before": "London"}}'
    assert datetime.fromisoformat(update["at"]).utcoffset() == timedelta(0)

    export_event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).get()
    assert export_event.actor == users["admin"]
    assert export_event.extra == {"format": "csv", "filters": {"action": "update"}, "sort": "at"}


def test_export_neutralises_formulas(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(kind="organization", company_name='=HYPERLINK("http://evil")')
    audit.record(AuditEvent.Action.UPDATE, customer, user=users["sales"], object_label="+SUM(A1:A9)")
    audit.record(AuditEvent.Action.UPDATE, customer, user=users["sales"], object_label="@cmd")
    audit.record(AuditEvent.Action.UPDATE, customer, user=users["sales"], object_label="-2+3")
    audit.record(AuditEvent.Action.UPDATE, customer, user=users["sales"], object_label="\tindented")

    displays = {row["object_display"] for row in export(client_for("admin"), object_code=customer.code)}

    assert displays == {
        '\'=HYPERLINK("http://evil") (' + customer.code + ")",
        "'+SUM(A1:A9)",
        "'@cmd",
        "'-2+3",
        "'\tindented",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=1", "a=1")],
)
def test_neutralise_formula(value: str, expected: str) -> None:
    assert neutralise_formula(value) == expected


def test_export_with_a_bad_filter_goes_back_to_the_page(client_for: ClientFor) -> None:
    response = client_for("admin").get(reverse("audit:export"), {"at_after": "soon"})
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:event_list") + "?at_after=soon"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_no_admin_site_can_reach_events(client_for: ClientFor, settings: Any) -> None:
    """Django's admin is not installed, so it offers no way to edit or delete an event either."""
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    assert client_for("admin").get("/admin/").status_code == 404
