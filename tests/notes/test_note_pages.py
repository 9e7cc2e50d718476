from clientbook.core.kit.tabs import child_tab_url
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.notes.factories import NoteFactory
from clientbook.notes.specs import NOTES


class TestNotePages(SpecWebTests):
    """The factory's notes are the system's: the writer role is refused them, administrators are not."""

    spec = NOTES
    factory = NoteFactory


def test_every_customer_has_a_notes_tab(client_for) -> None:
    client = client_for("support")
    for customer in (CustomerFactory(), OrganizationFactory()):
        assert 'data-testid="notes-tab"' in client.get(customer.get_absolute_url()).content.decode()
        assert client.get(child_tab_url(NOTES, customer)).status_code == 200
