"""Search tests share the API tests' caller."""

from tests.api.conftest import call  # noqa: F401 (a fixture)
