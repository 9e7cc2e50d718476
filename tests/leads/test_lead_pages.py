from clientbook.core.testing.web import SpecWebTests
from clientbook.leads.factories import LeadFactory
from clientbook.leads.specs import LEADS


class TestLeadPages(SpecWebTests):
    spec = LEADS
    factory = LeadFactory
