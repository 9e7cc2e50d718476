"""``ModelSpec.record_permission``: a per-record rule every write path honours, shown through Contacts.

The contacts' spec is swapped for one whose rule keeps a contact titled "Locked" for administrators,
so the kit's machinery is checked apart from any model that uses it (notes: tests/notes).
"""

from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.specs import CONTACTS
from clientbook.core.kit import spec as kit_spec
from clientbook.core.kit import views, writes
from clientbook.core.kit.spec import RecordPermission
from clientbook.core.permissions import is_admin
from clientbook.customers.specs import CUSTOMERS

pytestmark = pytest.mark.django_db

REFUSAL = "Only administrators may change a locked contact."


@pytest.fixture
def locked_spec(monkeypatch: Any) -> Any:
    def allows(user: Any, contact: Any) -> bool:
        return contact.job_title != "Locked" or is_admin(user)

    rule = RecordPermission(allows=allows, refusal=REFUSAL)
    spec = replace(CONTACTS, record_permission=rule)
    monkeypatch.setitem(kit_spec._SPECS, CONTACTS.label, spec)
    return spec


def _request(user: Any, method: str = "get") -> Any:
    request = getattr(RequestFactory(), method)("/", {"version": ""} if method == "post" else None)
    request.user = user
    return request


def test_the_writes_refuse_everyone_but_whom_the_rule_allows(locked_spec: Any, users: dict[str, Any]) -> None:
    locked = ContactFactory(job_title="Locked")
    for write in (
        lambda user: writes.update(locked, user=user, values={"department": "IT"}),
        lambda user: writes.delete(locked, user=user),
    ):
        with pytest.raises(PermissionDenied, match=REFUSAL):
            write(users["sales"])
    writes.delete(locked, user=users["admin"])
    with pytest.raises(PermissionDenied, match=REFUSAL):
        writes.restore(locked, user=users["sales"])
    # The system is never refused, and an open record is anyone's with the role.
    writes.restore(locked, user=None)
    writes.update(ContactFactory(), user=users["sales"], values={"department": "IT"})


def test_the_pages_answer_403_and_hide_the_buttons(locked_spec: Any, users: dict[str, Any]) -> None:
    locked = ContactFactory(job_title="Locked")
    ContactFactory(organization=locked.organization, job_title="Buyer")
    sales = users["sales"]
    for view in (views.edit, views.delete, views.restore):
        with pytest.raises(PermissionDenied, match=REFUSAL):
            view(locked_spec, _request(sales), locked.pk)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        views.run_action(locked_spec, _request(sales, "post"), locked.pk, "set-primary")

    organization = locked.organization
    tab = views.child_tab(CUSTOMERS, _request(sales), organization.code, child=locked_spec).content.decode()
    assert tab.count('data-testid="edit"') == 1 and tab.count('data-testid="action-set-primary"') == 1
    detail = views.detail(locked_spec, _request(sales), locked.pk).content.decode()
    assert 'data-testid="edit"' not in detail and 'data-testid="delete"' not in detail
    admin_detail = views.detail(locked_spec, _request(users["admin"]), locked.pk).content.decode()
    assert 'data-testid="edit"' in admin_detail and 'data-testid="delete"' in admin_detail


def test_the_api_answers_403_in_its_envelope(locked_spec: Any, client_for: Any) -> None:
    locked = ContactFactory(job_title="Locked")
    sales = client_for("sales")
    path = f"/api/v1/contacts/{locked.pk}"

    patched = sales.patch(path, {"department": "IT"}, content_type="application/json")
    deleted = sales.delete(path)
    action = sales.post(f"{path}/set-primary")

    for response in (patched, deleted, action):
        assert response.status_code == 403
        assert response.json()["detail"] == REFUSAL
    assert client_for("admin").delete(path).status_code == 204
    assert sales.post(f"{path}/restore").status_code == 403
