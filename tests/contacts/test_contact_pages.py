from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.specs import CONTACTS
from clientbook.core.kit.tabs import child_tab_url
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory


class TestContactPages(SpecWebTests):
    spec = CONTACTS
    factory = ContactFactory


def test_only_an_organization_has_a_contacts_tab(client_for) -> None:
    organization = ContactFactory().organization
    person = CustomerFactory()
    client = client_for("support")
    assert 'data-testid="contacts-tab"' in client.get(organization.get_absolute_url()).content.decode()
    assert 'data-testid="contacts-tab"' not in client.get(person.get_absolute_url()).content.decode()
    assert client.get(child_tab_url(CONTACTS, organization)).status_code == 200
    assert client.get(child_tab_url(CONTACTS, person)).status_code == 404
