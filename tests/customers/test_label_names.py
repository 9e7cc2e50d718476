"""Label names: look-alikes are one label, lengths are checked before any look-up, names must show,
and one write creates a bounded number of new labels."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clientbook.customers import services
from clientbook.customers.factories import LabelFactory
from clientbook.customers.forms import LabelForm
from clientbook.customers.models import Label
from clientbook.customers.names import label_key

pytestmark = pytest.mark.django_db

# Past SQLite's LIKE pattern limit (50,000 bytes), which a case-insensitive look-up used to hit.
HUGE_NAME = "x" * 50_001
LOOK_ALIKES = ["VIP", "ＶＩＰ", "VıP", "VİP", "V\u200bIP", " vip "]
INVISIBLE = ["\u200b", "\u200b\u200d\u2060", "\ufeff", "\u3164", "\u00ad", " \u200b "]


def messages_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alike_names_share_one_key(name: str) -> None:
    assert label_key(name) == "vip"


def test_accents_and_other_scripts_stay_apart() -> None:
    assert len({label_key(name) for name in ["Café", "Cafe", "VIP", "VІP"]}) == 4  # the last has a Cyrillic І


@pytest.mark.parametrize("name", LOOK_ALIKES[1:])
def test_a_look_alike_of_a_live_label_is_refused_on_name(name: str) -> None:
    LabelFactory(name="VIP")

    with pytest.raises(ValidationError) as excinfo:
        services.create_label(user=None, name=name)

    assert list(messages_of(excinfo)) == ["name"]
    assert Label.objects.count() == 1


def test_the_refusal_names_the_label_that_reads_the_same() -> None:
    LabelFactory(name="VIP")

    with pytest.raises(ValidationError) as excinfo:
        services.create_label(user=None, name="ＶＩＰ")

    assert messages_of(excinfo)["name"] == ["A label that reads the same already exists: “VIP”."]


def test_renaming_onto_a_look_alike_is_refused() -> None:
    LabelFactory(name="VIP")
    gold = LabelFactory(name="Gold")

    with pytest.raises(ValidationError) as excinfo:
        services.update_label(user=None, label=gold, name="VıP")

    assert "name" in messages_of(excinfo)
    gold.refresh_from_db()
    assert (gold.name, gold.name_key, gold.version) == ("Gold", "gold", 1)


def test_a_label_may_change_its_own_spelling() -> None:
    label = LabelFactory(name="vip")

    renamed = services.update_label(user=None, label=label, name="VIP")

    assert (renamed.name, renamed.name_key, renamed.version) == ("VIP", "vip", 2)


def test_the_form_refuses_a_look_alike_next_to_the_name() -> None:
    LabelFactory(name="VIP")

    form = LabelForm({"name": "ＶＩＰ", "colour": "primary"})

    assert not form.is_valid()
    assert list(form.errors) == ["name"]


def test_customer_labels_by_name_find_the_look_alike_instead_of_creating_one() -> None:
    vip = LabelFactory(name="VIP")

    assert services.labels_by_name(["ＶＩＰ", "VıP", "vip"], create_missing=True) == [vip]
    assert Label.objects.count() == 1


def test_a_deleted_look_alike_does_not_hold_the_name_and_cannot_come_back_beside_it() -> None:
    old = LabelFactory(name="VIP")
    services.delete_label(user=None, label=old)
    LabelFactory(name="ＶＩＰ")

    with pytest.raises(ValidationError) as excinfo:
        services.restore_label(user=None, label=old)

    assert messages_of(excinfo)["name"][0].startswith("Another label is now called “ＶＩＰ”.")


def test_the_database_refuses_a_second_live_label_with_the_key() -> None:
    LabelFactory(name="VIP")
    with pytest.raises(IntegrityError), transaction.atomic():
        Label.objects.create(name="VıP")


# --- Lengths before look-ups ----------------------------------------------------------------------


def test_a_huge_name_is_refused_before_any_look_up_when_creating_a_label() -> None:
    LabelFactory(name="VIP")  # a row for the look-up to compare with

    with pytest.raises(ValidationError) as excinfo:
        services.create_label(user=None, name=HUGE_NAME)

    assert messages_of(excinfo)["name"] == ["Ensure this value has at most 60 characters (it has 50001)."]


def test_a_huge_name_is_refused_when_renaming_a_label() -> None:
    LabelFactory(name="Gold")
    label = LabelFactory(name="VIP")

    with pytest.raises(ValidationError) as excinfo:
        services.update_label(user=None, label=label, name=HUGE_NAME)

    assert list(messages_of(excinfo)) == ["name"]


@pytest.mark.parametrize("create_missing", [True, False])
def test_a_huge_name_among_a_customers_labels_is_refused_on_labels(create_missing: bool) -> None:
    LabelFactory(name="VIP")

    with pytest.raises(ValidationError) as excinfo:
        services.labels_by_name(["VIP", HUGE_NAME], create_missing=create_missing)

    [message] = messages_of(excinfo)["labels"]
    assert message.startswith("A label name has at most 60 characters; too long: xxx")
    assert message.endswith("… (50,001 characters).")
    assert Label.objects.count() == 1


# --- Names that show ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_label_name_of_invisible_characters_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_label(user=None, name=name)

    assert list(messages_of(excinfo)) == ["name"]
    assert not Label.objects.exists()


def test_a_name_with_a_visible_character_and_an_invisible_one_is_kept() -> None:
    assert services.create_label(user=None, name="Gold\u200d").name == "Gold\u200d"


# --- New labels per write -------------------------------------------------------------------------


def test_one_write_creates_at_most_the_cap_of_new_labels() -> None:
    LabelFactory(name="Known")
    names = ["Known", *(f"New {number}" for number in range(services.MAX_NEW_LABELS_PER_WRITE))]

    assert len(services.labels_by_name(names, create_missing=True)) == services.MAX_NEW_LABELS_PER_WRITE + 1

    with pytest.raises(ValidationError) as excinfo:
        services.labels_by_name(
            [f"More {number}" for number in range(services.MAX_NEW_LABELS_PER_WRITE + 1)], create_missing=True
        )
    [message] = messages_of(excinfo)["labels"]
    assert message.startswith("One change may create at most 20 new labels; 21 of these do not exist yet: More 0,")
    assert "and 11 more" in message
    assert Label.objects.count() == services.MAX_NEW_LABELS_PER_WRITE + 1


def test_an_imported_row_with_an_invisible_label_is_refused_on_labels() -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.build_customer(last_name="Ng", labels=["Gold", "\u200b"])
    assert messages_of(excinfo) == {"labels": ["Labels must show: 1 of these are only spaces or invisible characters."]}

    customer = services.build_customer(last_name="Ng", labels=["Gold"])
    with pytest.raises(ValidationError) as excinfo:
        services.merge_into_customer(customer, labels=["\u3164"])
    assert list(messages_of(excinfo)) == ["labels"]
