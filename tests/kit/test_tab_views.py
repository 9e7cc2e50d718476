"""A child spec's views (``Parent.views``): more tabs of the same children on the parent's page, each its
list narrowed by fixed filter values, with its own filters, chips, "Add" label and presets."""

from dataclasses import replace
from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from clientbook.core.kit import spec as kit_spec
from clientbook.core.kit import tabs, views
from clientbook.core.kit.spec import TabView
from clientbook.core.testing.web import page_expectations
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.specs import CUSTOMERS
from clientbook.notes.factories import NoteFactory
from clientbook.notes.specs import NOTES

pytestmark = pytest.mark.django_db

PINNED = TabView(
    key="pinned",
    label="Pinned notes",
    fixed={"pinned": "true"},
    order=NOTES.parent.order + 1 if NOTES.parent else 0,
    chip_filter="",
    add_label="Pin a note",
    shown=lambda customer: customer.city != "Nowhere",
)


@pytest.fixture
def notes_with_a_view(monkeypatch: Any) -> Any:
    assert NOTES.parent is not None
    spec = replace(NOTES, parent=replace(NOTES.parent, views=(PINNED,)))
    monkeypatch.setitem(kit_spec._SPECS, NOTES.label, spec)
    return spec


def _request(user: Any, path: str = "/") -> Any:
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_a_view_is_a_tab_right_after_its_childs_own(notes_with_a_view: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    keys = [tab.key for tab in tabs.child_tabs(users["sales"], customer)]
    assert keys[keys.index("notes") + 1] == "pinned"
    labels = {tab.key: tab.label for tab in tabs.child_tabs(users["sales"], customer)}
    assert labels["pinned"] == "Pinned notes"
    assert "pinned" not in [tab.key for tab in tabs.child_tabs(users["sales"], CustomerFactory(city="Nowhere"))]


def test_a_views_list_holds_only_the_rows_its_values_fix(notes_with_a_view: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    pinned = NoteFactory(customer=customer, body="Pinned one", pinned=True, author=users["sales"])
    NoteFactory(customer=customer, body="Loose one", author=users["sales"])
    NoteFactory(body="Someone else's", pinned=True, author=users["sales"])

    page = views.tab_listing(notes_with_a_view, _request(users["sales"]), customer, PINNED)

    assert [row.pk for row, _ in page.rows] == [pinned.pk]
    assert dict(page.fixed) == {"customer": customer.code, "pinned": "true"}
    assert "pinned=true" in page.export_query and f"customer={customer.code}" in page.export_query
    assert page.create_url == f"/notes/new/?customer={customer.code}&pinned=true"
    assert page.add_label == "Pin a note"
    # The fixed values are not offered as filters again.
    assert "pinned" not in [cell.name for cell in page.filter_cells]


def test_the_childs_own_tab_is_unchanged_by_its_views(notes_with_a_view: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    NoteFactory(customer=customer, pinned=True, author=users["sales"])
    NoteFactory(customer=customer, author=users["sales"])
    page = views.tab_listing(notes_with_a_view, _request(users["sales"]), customer)
    assert len(page.rows) == 2 and page.add_label == "Add note"


def test_a_record_without_the_view_answers_404(notes_with_a_view: Any, users: dict[str, Any]) -> None:
    nowhere = CustomerFactory(city="Nowhere")
    with pytest.raises(Http404):
        views.child_tab(CUSTOMERS, _request(users["sales"]), nowhere.code, child=notes_with_a_view, view=PINNED)


def test_the_permission_matrix_has_a_row_for_each_view(notes_with_a_view: Any) -> None:
    readers, posters, target = page_expectations()["customers:customer_pinned_tab"]
    assert readers == frozenset(NOTES.read_roles) and posters is None and target == "notes:parent"
