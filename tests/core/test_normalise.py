"""The search normaliser: properties that every document and query relies on."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from clientbook.core.listing.search import build_document, digits, normalise, normalise_unicode, search_terms


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_shortcut_gives_what_the_unicode_steps_give(text: str) -> None:
    assert normalise(text) == normalise_unicode(text)


@given(st.text())
def test_normalised_text_has_no_accents_upper_case_or_runs_of_space(text: str) -> None:
    result = normalise(text)
    assert not any(unicodedata.combining(ch) for ch in result)
    assert result == result.casefold()
    assert "  " not in result
    assert result == result.strip()


@given(st.text(alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x24F, categories=["Lu", "Ll"]), min_size=1))
def test_case_and_accents_do_not_matter(word: str) -> None:
    accented = unicodedata.normalize("NFC", "".join(ch + "\u0301" for ch in word))
    assert normalise(accented.upper()) == normalise(word.lower())


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüñ ", min_size=1), min_size=1))
def test_every_query_term_of_a_document_fragment_is_found_in_it(parts: list[str]) -> None:
    document = build_document(parts)
    for part in parts:
        for term in search_terms(part):
            assert term in document


def test_examples() -> None:
    assert normalise("  José   MÜLLER ") == "jose muller"
    assert normalise("BINTA SINGHATEN") == "binta singhaten"
    assert normalise("Ōtsuka") == "otsuka"
    assert normalise("Işık Søren Łódź Straße") == "isik soren lodz strasse"
    assert digits("+1 (940) 986-3836") == "19409863836"


def test_phone_queries_become_digit_terms() -> None:
    assert search_terms("+1 940 986 3836") == ["19409863836"]
    assert search_terms("940-986-3836") == ["9409863836"]
    assert search_terms("(940) 986.3836") == ["9409863836"]
    assert search_terms("0044 20 7946 0958") == ["442079460958"]
    assert search_terms("Ada 42") == ["ada", "42"]
