from clientbook.activities.factories import ActivityFactory
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.testing.web import SpecWebTests


class TestActivityPages(SpecWebTests):
    """The factory's entries are the system's: the writer role is refused them, administrators are not."""

    spec = ACTIVITIES
    factory = ActivityFactory
