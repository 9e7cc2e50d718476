"""The ``/search/`` page (the sidebar's form without JavaScript) and the palette's fragment."""

from typing import Any

import pytest
from django.test import Client

from clientbook.customers.factories import CustomerFactory
from clientbook.notes.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_groups(client_for: Any) -> None:
    wanted = CustomerFactory(first_name="Pia", last_name="Lindqvist")
    NoteFactory(customer=wanted, body="Lindqvist prefers e-mail")

    response = client_for("accounting").get("/search/", {"q": "lindqvist"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert 'data-search-group="customers"' in html and 'data-search-group="notes"' in html
    assert f'href="/customers/{wanted.code}/"' in html
    assert "Lindqvist prefers e-mail" in html
    assert 'role="option"' not in html  # a listbox's options only inside the palette


def test_the_page_before_a_search_and_after_a_vain_one(client_for: Any) -> None:
    client = client_for("sales")

    assert client.get("/search/").status_code == 200
    empty = client.get("/search/", {"q": "zzqx"})
    assert empty.status_code == 200
    assert "Nothing matches “zzqx”" in empty.content.decode()


def test_a_too_long_search_is_refused_next_to_the_field(client_for: Any) -> None:
    response = client_for("sales").get("/search/", {"q": "x" * 201})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="search-q-error"' in html
    assert "at most 200 characters" in html


def test_the_palette_gets_the_fragment_with_options(client_for: Any) -> None:
    wanted = CustomerFactory(first_name="Pia", last_name="Lindqvist", external_id="LQ-1")

    response = client_for("support").get("/search/palette/", {"q": "LQ-1"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'role="listbox"' in html and 'role="option"' in html
    assert 'data-query="LQ-1"' in html
    assert "Exact match" in html and f"/customers/{wanted.code}/" in html


def test_the_palette_names_a_refused_query(client_for: Any) -> None:
    response = client_for("support").get("/search/palette/", {"q": "x" * 300})

    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in() -> None:
    response = Client().get("/search/palette/", {"q": "x"}, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/")
