"""The customer's kit pages × every role, with the query ceiling (clientbook.core.testing)."""

from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.specs import CUSTOMERS


class TestCustomerPages(SpecWebTests):
    spec = CUSTOMERS
    factory = CustomerFactory
