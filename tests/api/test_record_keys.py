"""A record named by id in a URL: anything but plain ASCII digits is not found (never a 500)."""

from typing import Any

import pytest


@pytest.mark.parametrize("key", ["¹", "٣x", "1.0"])
def test_an_id_that_is_not_plain_digits_is_not_found(db: Any, users: dict[str, Any], client: Any, key: str) -> None:
    client.force_login(users["admin"])

    assert client.get(f"/api/v1/contacts/{key}").status_code == 404
    assert client.post(f"/api/v1/contacts/{key}/restore").status_code == 404
