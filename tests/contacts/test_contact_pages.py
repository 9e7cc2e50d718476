from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.specs import CONTACTS
from clientbook.core.testing.web import SpecWebTests


class TestContactPages(SpecWebTests):
    spec = CONTACTS
    factory = ContactFactory
