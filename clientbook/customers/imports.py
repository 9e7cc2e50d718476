"""Customers as the import pipeline sees them (``clientbook.core.imports.engine``): the fields a file can
fill with the column names that mean them, the duplicate keys, and how cells become values.

The writes themselves are ``services.prepare_customers_batch`` and ``create_customers_batch``, and
``services.update_customers_batch``.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from clientbook.core.imports import engine as imports
from clientbook.core.imports.engine import ImportField, Options
from clientbook.core.imports.values import (
    parse_choice,
    parse_country,
    parse_date,
    parse_decimal,
    parse_list,
    parse_phone,
    parse_url,
    text,
)
from clientbook.core.sensitive import SensitiveKind
from clientbook.customers import kyc, services
from clientbook.customers.models import Customer

F = ImportField
FIELDS = (
    F(
        "code",
        "Code",
        ("customer code", "cust code"),
        "",
        "Only to find existing customers; new ones get the next code.",
    ),
    F("kind", "Kind", ("type", "customer type"), "person", "person or organization"),
    F("first_name", "First name", ("firstname", "given name", "forename", "first"), "Ada"),
    F("middle_name", "Middle name", ("middlename", "second name"), ""),
    F("last_name", "Last name", ("lastname", "surname", "family name", "last"), "Lovelace"),
    F("suffix", "Suffix", (), ""),
    F(
        "company",
        "Company",
        ("company name", "organisation", "organization", "employer", "business", "account name"),
        "Analytical Engines Ltd",
        "An organization's name; for a person, their organization (linked when it exists, else recorded).",
    ),
    F("email", "Email", ("e-mail", "email address", "e-mail address", "mail"), "ada@example.com"),
    F(
        "phone",
        "Phone",
        (
            "phone 1",
            "phone1",
            "mobile",
            "mobile phone",
            "cell",
            "telephone",
            "tel",
            "contact",
            "contact number",
            "phone number",
        ),
        "+44 20 7946 0958",
    ),
    F(
        "alt_phone",
        "Alternative phone",
        ("phone 2", "phone2", "other phone", "home phone", "work phone", "secondary phone", "alt phone"),
        "",
    ),
    F("gender", "Gender", ("sex",), ""),
    F("birthday", "Birthday", ("date of birth", "dob", "birth date", "birthdate"), "1815-12-10"),
    F("marital_status", "Marital status", (), ""),
    F("pan", "PAN", ("pan number", "pan no", "permanent account number"), "ABCPE1234F", mask=kyc.PAN.mask),
    F("aadhaar", "Aadhaar", ("aadhaar number", "aadhaar no", "aadhar", "uid"), "2341 2341 2346", mask=kyc.AADHAAR.mask),
    F("street", "Street", ("address", "street address", "address line 1", "address 1"), "12 St James's Square"),
    F("city", "City", ("town",), "London"),
    F("state", "State / region", ("state", "region", "province", "county"), ""),
    F("postal_code", "Postal code", ("zip", "zip code", "postcode", "post code", "postal"), "SW1Y 4JH"),
    F("country", "Country", ("country code", "nation"), "United Kingdom"),
    F("language", "Language", (), ""),
    F("industry", "Industry", ("sector",), "Computing"),
    F("website", "Website", ("web", "url", "web site", "homepage"), "https://example.com"),
    F("description", "Description", ("notes", "note", "comments", "remarks"), ""),
    F("balance", "Balance", ("amount", "account balance"), "1250.00"),
    F("currency", "Currency", (), "GBP"),
    F("status", "Status", (), "active", "active, inactive, prospect, churned or blocked"),
    F("block_reason", "Block reason", (), ""),
    F(
        "officer",
        "Relationship officer",
        ("officer", "owner", "account manager", "account owner"),
        "",
        "A user's username or email.",
    ),
    F("labels", "Labels", ("tags", "label", "tag"), "VIP, Newsletter", "A comma list; missing labels are created."),
    F(
        "client_id",
        "Client ID",
        ("client code", "client_id", "client id", "client no", "client number", "ucc"),
        "AB1234",
        "The broker's client ID; no two customers share one.",
    ),
    F(
        "external_id",
        "External id",
        ("customer id", "external id", "customerid", "id in source"),
        "C-1001",
    ),
    F(
        "account_opened_on",
        "Account opened",
        ("subscription date", "signup date", "sign up date", "opened", "customer since", "created"),
        "2024-03-01",
    ),
    F("activated_on", "Activated", ("activation date", "activated on"), ""),
)
TEXT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "street",
    "city",
    "state",
    "postal_code",
    "industry",
    "description",
    "block_reason",
    "external_id",
    "client_id",
)
KIND_SYNONYMS = {
    "company": "organization",
    "organisation": "organization",
    "business": "organization",
    "org": "organization",
    "individual": "person",
    "people": "person",
}
MATCH_KEYS = {
    "code": "Code",
    "email": "Email (any case)",
    "phone": "Phone (E.164)",
    "external_id": "External id",
    "client_id": "Client ID",
}
CLIENT_ID_TAKEN = "Another customer ({code}) has this client ID; no two customers share one."
CLIENT_ID_IN_TRASH = "A deleted customer ({code}) has this client ID; no two customers share one, even in the Trash."
CLIENT_ID_REPEATED = "An earlier row of this file has this client ID; no two customers share one."


class CustomerImporter:
    key = "customers"
    model = Customer
    title = "Customers"
    fields = FIELDS
    match_keys = MATCH_KEYS
    default_match_on = ("email",)
    date_fields = ("birthday", "account_opened_on", "activated_on")

    def parse(self, values: Mapping[str, Any], options: Options) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}

        def read(name: str, reader: Any) -> None:
            if name not in values:
                return
            try:
                parsed[name] = reader(values[name])
            except ValueError as error:
                errors[name] = str(error)

        for name in TEXT_FIELDS:
            read(name, text)
        read("code", lambda value: text(value).upper())
        read("email", lambda value: text(value))
        read("kind", lambda value: parse_choice(value, Customer.Kind.choices, KIND_SYNONYMS))
        read("country", parse_country)
        regions = [parsed.get("country", ""), options.region]
        read("phone", lambda value: parse_phone(value, regions))
        read("alt_phone", lambda value: parse_phone(value, regions))
        read("gender", lambda value: parse_choice(value, Customer.Gender.choices, {"f": "female", "m": "male"}))
        read("marital_status", lambda value: parse_choice(value, Customer.MaritalStatus.choices))
        read("pan", lambda value: _identity_number(kyc.PAN, value))
        read("aadhaar", lambda value: _identity_number(kyc.AADHAAR, value))
        read("language", lambda value: parse_choice(value, Customer._meta.get_field("language").choices or ()))
        read("currency", lambda value: parse_choice(value, Customer.Currency.choices))
        read("status", lambda value: parse_choice(value, Customer.Status.choices))
        for name in self.date_fields:
            read(name, lambda value: parse_date(value, options.date_order))
        read("balance", parse_decimal)
        read("website", parse_url)
        read("labels", parse_list)
        read("company", text)
        read("officer", lambda value: _officer(text(value), options))
        if values.get(imports.NOTE):
            notes = "\n".join(values[imports.NOTE])
            parsed["description"] = f"{parsed.get('description', '')}\n{notes}".strip()
        if not errors and parsed.get("client_id"):
            self._claim_client_id(parsed["client_id"], options, errors)
        if errors:
            raise ValidationError(errors)
        self._kind_and_company(parsed, options)
        return {name: value for name, value in parsed.items() if value not in ("", None, [])}

    def _claim_client_id(self, client_id: str, options: Options, errors: dict[str, str]) -> None:
        """A file gives a client ID to one row only: the first; the rows after it are refused, since two
        customers never share one (the database's unique constraint would refuse the whole batch)."""
        claimed = options.cache.setdefault("client_ids", set())
        if client_id in claimed:
            errors["client_id"] = CLIENT_ID_REPEATED
        claimed.add(client_id)

    def _kind_and_company(self, parsed: dict[str, Any], options: Options) -> None:
        company = parsed.pop("company", "")
        if not parsed.get("kind"):
            has_name = parsed.get("first_name") or parsed.get("last_name")
            parsed["kind"] = Customer.Kind.PERSON if has_name or not company else Customer.Kind.ORGANIZATION
        if parsed["kind"] == Customer.Kind.ORGANIZATION:
            parsed["company_name"] = company
        elif company:
            organization = _organization(company, options)
            if organization is not None:
                parsed["organization"] = organization
            else:
                parsed["company_name"] = company

    def match_values(self, parsed: Mapping[str, Any], match_on: Sequence[str]) -> list[tuple[str, Any]]:
        pairs = []
        for key in match_on:
            value = parsed.get(key)
            if value:
                pairs.append((key, value.lower() if key == "email" else value))
        return pairs

    def find_existing(self, pairs: Iterable[tuple[str, Any]]) -> dict[tuple[str, Any], Customer]:
        wanted: dict[str, set[Any]] = {}
        for key, value in pairs:
            wanted.setdefault(key, set()).add(value)
        found: dict[tuple[str, Any], Customer] = {}
        base = Customer.objects.select_related("organization", "officer").prefetch_related("labels")
        for key, values in wanted.items():
            if key == "email":
                rows = base.annotate(email_lower=Lower("email")).filter(email_lower__in=values)
            else:
                rows = base.filter(**{f"{key}__in": values})
            for customer in rows.order_by("pk"):
                value = customer.email.lower() if key == "email" else str(getattr(customer, key))
                found.setdefault((key, value), customer)
        return found

    def build(self, parsed: Mapping[str, Any]) -> Customer:
        _check_client_id_free(parsed.get("client_id"), keeper=None)
        return services.build_customer(**_without(parsed, "code"))

    def merge(self, existing: Customer, parsed: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        _check_client_id_free(parsed.get("client_id"), keeper=existing)
        values = _without(parsed, "code")
        if values.get("email", "").lower() == existing.email.lower():
            values.pop("email", None)  # matched in any case: the stored spelling stays
        return services.merge_into_customer(existing, **values)

    def prepare_many(self, user: Any, records: Sequence[Customer]) -> services.PreparedCustomers:
        return services.prepare_customers_batch(user=user, customers=records)

    def create_many(self, user: Any, prepared: services.PreparedCustomers) -> None:
        services.create_customers_batch(user=user, prepared=prepared)

    def update_many(self, user: Any, records: Sequence[tuple[Any, dict[str, dict[str, Any]]]]) -> None:
        services.update_customers_batch(user=user, changed=records)

    def remove(self, *, user: Any, obj: Any) -> None:
        services.delete_customer(user=user, customer=obj)


def _without(values: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name not in names}


def _check_client_id_free(client_id: str | None, *, keeper: Customer | None) -> None:
    """Refuse a client ID another customer has (in the Trash too: the unique constraint counts it)."""
    if not client_id:
        return
    holders = Customer.all_objects.filter(client_id=client_id)
    if keeper is not None and keeper.pk is not None:
        holders = holders.exclude(pk=keeper.pk)
    holder = holders.only("code", "deleted_at").first()
    if holder is not None:
        message = CLIENT_ID_TAKEN if holder.deleted_at is None else CLIENT_ID_IN_TRASH
        raise ValidationError({"client_id": message.format(code=holder.code)})


def _identity_number(kind: SensitiveKind, value: Any) -> str:
    """A PAN or an Aadhaar number, compact and checked; the message never repeats the value."""
    compact = kind.compact(text(value))
    if compact:
        try:
            kind.validate(compact)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
    return compact


def _officer(name: str, options: Options) -> Any:
    if not name:
        return None
    cache = options.cache.setdefault("officers", {})
    if name not in cache:
        users = get_user_model().objects.filter(Q(username__iexact=name) | Q(email__iexact=name), is_active=True)
        cache[name] = users.order_by("pk").first()
    if cache[name] is None:
        raise ValueError(f"No active user has the username or email “{name}”.")
    return cache[name]


def _organization(name: str, options: Options) -> Customer | None:
    cache = options.cache.setdefault("organizations", {})
    key = name.lower()
    if key not in cache:
        cache[key] = (
            Customer.objects.filter(kind=Customer.Kind.ORGANIZATION, company_name__iexact=name).order_by("pk").first()
        )
    return cache[key]


importer = imports.register(CustomerImporter())
