"""The bulk UI of lists (checkbox column, bulk bar), the bulk-action forms and the operation pages,
through the customer list (Django test client)."""

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.records import bulk
from clientbook.customers import bulk as customer_bulk
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db

LIST = "/customers/"
STATUS = "/customers/bulk/status/"
ADD_LABELS = "/customers/bulk/add-labels/"
REMOVE_LABELS = "/customers/bulk/remove-labels/"
MODAL = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_TARGET": "modal-content",
    "HTTP_HX_CURRENT_URL": "http://testserver/customers/",
}
RESULTS = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_TARGET": "results",
    "HTTP_HX_CURRENT_URL": "http://testserver/customers/",
}
# An htmx request from a toast's button: it names no target.
TOAST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/customers/"}


@pytest.fixture
def book() -> list[Customer]:
    vip = LabelFactory(name="VIP")
    return [
        CustomerFactory(first_name="Ada", last_name="Okafor", city="Lagos", labels=[vip]),
        CustomerFactory(first_name="Bola", last_name="Adeyemi", city="Lagos", status=Customer.Status.PROSPECT),
        CustomerFactory(first_name="Chen", last_name="Wei", city="Shanghai"),
    ]


def status_of(customer: Customer) -> str:
    return Customer.objects.get(pk=customer.pk).status


def labels_of(customer: Customer) -> list[str]:
    return [label.name for label in Customer.objects.get(pk=customer.pk).labels.all()]


def triggers(response: Any) -> dict[str, Any]:
    return json.loads(response["HX-Trigger"])


def selected_boxes(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox"[^>]*name="selected" value="(CUST\d{7})" form="bulk-form"', html)


# --- The list page ------------------------------------------------------------------------------


class TestListPage:
    def test_writers_get_a_checkbox_per_row_a_page_box_and_the_bulk_bar(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        html = client_for("sales").get(LIST, {"q": "lagos"}).content.decode()

        assert sorted(selected_boxes(html)) == sorted(customer.code for customer in book[:2])
        assert "data-select-page" in html
        assert 'id="bulk-form"' in html and 'data-total="2"' in html
        for url in (STATUS, ADD_LABELS, REMOVE_LABELS):
            assert f'formaction="{url}"' in html and f'hx-get="{url}"' in html
        # "All matching" means the list's own search and filters.
        assert '<input type="hidden" name="query" value="q=lagos">' in html

    def test_readers_get_neither_checkboxes_nor_the_bar(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        html = client_for("support").get(LIST).content.decode()

        assert not selected_boxes(html)
        assert "data-select-page" not in html and 'id="bulk-form"' not in html

    def test_the_results_fragment_carries_the_selection_with_its_filters(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        response = client_for("sales").get(LIST, {"status": "prospect"}, **RESULTS)
        html = response.content.decode()

        assert selected_boxes(html) == [book[1].code]
        assert '<input type="hidden" name="query" value="status=prospect">' in html

    def test_the_all_matching_banner_is_offered_only_when_the_list_is_longer_than_the_page(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        sales = client_for("sales")
        offer = 'data-testid="select-all-matching"'

        one_page = sales.get(LIST, {"per_page": 10}).content.decode()
        for index in range(10):
            CustomerFactory(first_name=f"Extra{index}")
        longer = sales.get(LIST, {"per_page": 10}).content.decode()

        assert offer not in one_page
        assert offer in longer and "Select all 13 customers matching" in longer


# --- The bulk-action forms ----------------------------------------------------------------------


class TestBulkForms:
    def test_the_modal_says_how_many_rows_will_change_and_carries_the_selection(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        response = client_for("sales").get(STATUS, {"selected": [book[0].code, book[2].code], "query": ""}, **MODAL)
        html = response.content.decode()

        assert response.status_code == 200
        assert 'id="modal-title"' in html and "<html" not in html
        assert f"2 selected customers: {book[0].code}, {book[2].code}." in html
        assert html.count('type="hidden" name="selected"') == 2

    def test_all_matching_is_described_by_its_query(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        response = client_for("sales").get(ADD_LABELS, {"all": "1", "query": "q=lagos&status=active"}, **MODAL)

        assert "All 1 customer matching “lagos” and 1 filter." in response.content.decode()

    def test_nothing_selected_is_refused_and_cannot_be_submitted(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        response = client_for("sales").get(STATUS, {"query": ""})
        html = response.content.decode()

        assert response.status_code == 422
        assert "Select at least one row." in html
        assert re.search(r'data-testid="bulk-submit" disabled', html)

    def test_a_status_change_answers_htmx_with_a_toast_carrying_undo(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        data = {"selected": [book[0].code, book[1].code], "query": "", "status": "churned", "reason": ""}

        response = client_for("sales").post(STATUS, data, **MODAL)

        assert response.status_code == 204
        operation = BulkOperation.objects.get()
        assert triggers(response) == {
            "closeModal": True,
            "refreshList": True,
            "showToast": {
                "message": "Changed 2 customers.",
                "level": "success",
                "undo": {"url": reverse("operations:operation_undo", args=[operation.id]), "label": "Undo"},
            },
        }
        assert [status_of(customer) for customer in book] == ["churned", "churned", "active"]

    def test_rows_already_as_asked_are_told_apart_and_nothing_to_change_has_no_undo(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        sales = client_for("sales")
        data = {"selected": [book[0].code, book[1].code], "query": "", "status": "active", "reason": ""}

        some = triggers(sales.post(STATUS, data, **MODAL))["showToast"]
        none = triggers(sales.post(STATUS, data, **MODAL))["showToast"]

        assert some["message"] == "Changed 1 customer. 1 already were as asked."
        assert none == {
            "message": "Nothing to change: the 2 selected customers already were as asked.",
            "level": "info",
        }

    def test_all_matching_changes_exactly_what_the_list_shows(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        sales = client_for("sales")
        query = "q=lagos&status=active"
        listed = selected_boxes(sales.get(f"{LIST}?{query}").content.decode())

        response = sales.post(ADD_LABELS, {"all": "1", "query": query, "labels": [Label.objects.get().pk]}, **MODAL)

        assert response.status_code == 204
        tagged = Customer.objects.filter(labels__name="VIP").values_list("code", flat=True)
        assert listed == [book[0].code] and sorted(tagged) == [book[0].code]
        late = LabelFactory(name="Late payer")
        sales.post(ADD_LABELS, {"all": "1", "query": "q=lagos", "labels": [late.pk]}, **MODAL)
        assert [labels_of(customer) for customer in book] == [["Late payer", "VIP"], ["Late payer"], []]

    def test_blocking_without_a_reason_is_refused_next_to_the_field(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        data = {"selected": [book[0].code], "query": "", "status": "blocked", "reason": " "}

        response = client_for("sales").post(STATUS, data, **MODAL)
        html = response.content.decode()

        assert response.status_code == 422
        assert 'data-field-error="reason">Blocking customers requires a reason.' in html
        assert 'name="reason"' in html and "is-invalid" in html
        assert status_of(book[0]) == "active" and not BulkOperation.objects.exists()

    def test_a_form_without_labels_is_refused(self, client_for: Callable[[str], Client], book: list[Customer]) -> None:
        response = client_for("sales").post(REMOVE_LABELS, {"selected": [book[0].code], "query": ""}, **MODAL)

        assert response.status_code == 422
        assert "Choose at least one label." in response.content.decode()
        assert labels_of(book[0]) == ["VIP"]

    def test_an_unknown_code_is_named_and_nothing_changes(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        data = {"selected": [book[0].code, "CUST0099999"], "query": "", "status": "churned"}

        response = client_for("sales").post(STATUS, data, **MODAL)

        assert response.status_code == 422
        assert "CUST0099999" in response.content.decode()
        assert status_of(book[0]) == "active"

    @pytest.mark.parametrize("url", [STATUS, ADD_LABELS, REMOVE_LABELS])
    def test_readers_are_refused_and_nothing_changes(
        self, client_for: Callable[[str | None], Client], book: list[Customer], url: str
    ) -> None:
        data = {"selected": [book[0].code], "query": "", "status": "churned", "labels": [Label.objects.get().pk]}

        assert client_for("support").get(url, {"selected": [book[0].code]}).status_code == 403
        assert client_for("accounting").post(url, data).status_code == 403
        anonymous = client_for(None).post(url, data)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
        assert status_of(book[0]) == "active" and labels_of(book[0]) == ["VIP"]


# --- Without JavaScript: the operation page and its Undo ----------------------------------------


class TestOperationPages:
    def test_without_htmx_a_bulk_change_ends_on_its_operation_page_and_undo_is_a_form(
        self, client_for: Callable[[str], Client], book: list[Customer]
    ) -> None:
        sales = client_for("sales")
        data = {"selected": [book[0].code, book[1].code], "query": "", "status": "inactive", "reason": ""}

        response = sales.post(STATUS, data)
        operation = BulkOperation.objects.get()
        detail_url = reverse("operations:operation_detail", args=[operation.id])
        page = sales.get(detail_url).content.decode()

        assert (response.status_code, response["Location"]) == (303, detail_url)
        assert "Changed 2 customers." in page and "Status → Inactive" in page
        assert book[0].code in page and "Active" in page and "Inactive" in page
        assert f'action="{reverse("operations:operation_undo", args=[operation.id])}"' in page

        undone = sales.post(reverse("operations:operation_undo", args=[operation.id]))
        after = sales.get(detail_url).content.decode()

        assert (undone.status_code, undone["Location"]) == (303, detail_url)
        assert [status_of(customer) for customer in book] == ["active", "prospect", "active"]
        assert "Undone: 2 customers put back" in after and 'data-testid="undo-operation"' not in after

    def test_undo_from_a_toast_answers_with_a_toast_and_a_refresh(
        self, client_for: Callable[[str], Client], users: dict[str, Any], book: list[Customer]
    ) -> None:
        operation = customer_bulk.add_labels(
            user=users["sales"], selection=bulk.Selection.of_keys([book[1].code]), labels=[Label.objects.get()]
        )

        response = client_for("admin").post(reverse("operations:operation_undo", args=[operation.id]), **TOAST)

        assert response.status_code == 204
        assert triggers(response)["refreshList"] is True
        assert triggers(response)["showToast"]["message"].startswith("Undone: 1 customer put back")
        assert labels_of(book[1]) == []

    def test_a_refused_undo_names_the_rows_in_the_modal_and_changes_nothing(
        self, client_for: Callable[[str], Client], users: dict[str, Any], book: list[Customer]
    ) -> None:
        operation = customer_bulk.change_status(
            user=users["sales"], selection=bulk.Selection.of_keys([c.code for c in book]), status="churned"
        )
        services.update_customer(user=users["admin"], customer=book[2], city="Beijing")

        response = client_for("sales").post(reverse("operations:operation_undo", args=[operation.id]), **TOAST)
        html = response.content.decode()

        assert response.status_code == 409
        assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#modal-content", "innerHTML")
        assert 'id="modal-title"' in html and "Cannot undo" in html
        assert book[2].code in html and "admin-user" in html and "Nothing was undone." in html
        assert book[0].code not in re.search(r'data-testid="undo-refused-rows">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
        assert [status_of(customer) for customer in book] == ["churned", "churned", "churned"]

    def test_an_undone_operation_offers_no_undo_and_says_by_whom(
        self, client_for: Callable[[str], Client], users: dict[str, Any], book: list[Customer]
    ) -> None:
        operation = customer_bulk.change_status(
            user=users["sales"], selection=bulk.Selection.of_keys([book[0].code]), status="churned"
        )
        bulk.undo(user=users["admin"], operation=operation)

        page = client_for("sales").get(reverse("operations:operation_detail", args=[operation.id])).content.decode()
        again = client_for("sales").get(reverse("operations:operation_undo", args=[operation.id]))

        assert "Undone" in page and 'data-testid="undo-operation"' not in page
        assert again.status_code == 409 and "already undone by admin-user" in again.content.decode()

    def test_only_who_may_change_the_records_sees_an_operation(
        self, client_for: Callable[[str | None], Client], users: dict[str, Any], book: list[Customer]
    ) -> None:
        operation = customer_bulk.change_status(
            user=users["sales"], selection=bulk.Selection.of_keys([book[0].code]), status="churned"
        )
        detail = reverse("operations:operation_detail", args=[operation.id])
        undo = reverse("operations:operation_undo", args=[operation.id])

        assert client_for("admin").get(detail).status_code == 200
        assert client_for("support").get(detail).status_code == 403
        assert client_for("support").post(undo).status_code == 403
        anonymous = client_for(None).post(undo)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
        assert status_of(book[0]) == "churned"
        missing = reverse("operations:operation_detail", args=["0b7e1ad5-5d2c-4d8e-9a57-0d1d5e0f2f6a"])
        assert client_for("sales").get(missing).status_code == 404

    def test_the_audit_log_link_is_for_administrators(
        self, client_for: Callable[[str], Client], users: dict[str, Any], book: list[Customer]
    ) -> None:
        operation = customer_bulk.change_status(
            user=users["sales"], selection=bulk.Selection.of_keys([book[0].code]), status="churned"
        )
        detail = reverse("operations:operation_detail", args=[operation.id])
        link = f'href="{reverse("audit:event_list")}?{urlencode({"operation": operation.id})}"'

        assert link in client_for("admin").get(detail).content.decode()
        assert link not in client_for("sales").get(detail).content.decode()
        assert AuditEvent.objects.filter(operation_id=operation.id).count() == 1
