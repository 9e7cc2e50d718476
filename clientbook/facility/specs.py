"""The facility's records on the model kit: vehicles and access cards (tabs of a customer), zones, devices."""

from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, NavPage, Parent, RecordAction, register
from clientbook.facility import selectors, services
from clientbook.facility.event_lists import (
    ENTRY_EXPORT_FIELDS,
    EVENT_EXPORT_FIELDS,
    EntryFilterSet,
    EntryTable,
    EventFilterSet,
    EventTable,
)
from clientbook.facility.forms import AccessCardForm
from clientbook.facility.lists import (
    AccessCardFilterSet,
    AccessCardTable,
    DeviceFilterSet,
    DeviceTable,
    VehicleFilterSet,
    VehicleTable,
    ZoneFilterSet,
    ZoneTable,
)
from clientbook.facility.models import AccessCard, Device, Entry, Event, Vehicle, Zone

OPERATORS = ("admin", "facility")
# The operator's files open in a spreadsheet: every facility list exports XLSX unless the user picks another.
EXPORT_FORMAT = "xlsx"

VEHICLES = register(
    ModelSpec(
        model=Vehicle,
        fields=("customer", "plate", "brand", "model_name", "year", "colour", "tags"),
        audit_fields=("customer", "plate", "plate_number", "brand", "model_name", "year", "colour", "tags"),
        api_fields=("customer", "plate", "plate_number", "brand", "model_name", "year", "colour", "tags"),
        select_related=("customer",),
        filterset=VehicleFilterSet,
        table=VehicleTable,
        default_sort="plate",
        hooks=Hooks(
            tidy=services.tidy_vehicle,
            derive=services.derive_vehicle,
            validate=services.validate_vehicle,
            search_words=services.vehicle_search_words,
        ),
        search_hint="plate, brand, model, colour, tags",
        natural_keys={"customer": "code"},
        import_lookups={"customer": ("code",)},
        nav=NavEntry(label="Vehicles", icon="bi-car-front", order=40),
        parent=Parent(field="customer", tab="Vehicles", order=60, search_words=lambda vehicle: [vehicle.plate_number]),
        describe=lambda vehicle: vehicle.plate,
        summary_fields=("brand", "model_name", "colour"),
        identifiers=("plate_number",),
        export_format=EXPORT_FORMAT,
        read_roles=("admin", "sales", "support", "facility"),
        write_roles=OPERATORS,
    )
)

CARD_FIELDS = ("customer", "card_number", "username", "valid_from", "valid_until", "is_active", "allowed_zones")

ACCESS_CARDS = register(
    ModelSpec(
        model=AccessCard,
        fields=CARD_FIELDS,
        # The QR payload is recorded (a rotation is a change) but masked: a copied payload opens the gate.
        audit_fields=(*CARD_FIELDS, "revoked_at", "qr_issued_at", "qr_payload"),
        api_fields=(*CARD_FIELDS, "revoked_at", "qr_issued_at", "last_used_at"),
        sensitive=frozenset({"qr_payload"}),
        form=AccessCardForm,
        queryset=selectors.cards_for,
        select_related=("customer",),
        filterset=AccessCardFilterSet,
        table=AccessCardTable,
        default_sort="card_number",
        hooks=Hooks(
            tidy=services.tidy_card,
            validate=services.validate_card,
            before_insert=services.before_insert_card,
            search_words=services.card_search_words,
        ),
        natural_keys={"customer": "code", "allowed_zones": "name"},
        nav=NavEntry(label="Access cards", icon="bi-person-badge", order=41),
        parent=Parent(field="customer", tab="Access cards", order=61),
        record_actions=(
            RecordAction(
                "rotate-qr", "New QR code", services.rotate_qr, "bi-arrow-repeat", shown=lambda c: not c.is_revoked
            ),
            RecordAction("revoke", "Revoke", services.revoke_card, "bi-slash-circle", shown=lambda c: not c.is_revoked),
        ),
        describe=lambda card: card.card_number,
        summary_fields=("username", "valid_until"),
        identifiers=("card_number",),
        page_context=selectors.card_page_context,
        extra_urls="clientbook.facility.card_urls",
        importable=False,
        export_format=EXPORT_FORMAT,
        read_roles=("admin", "support", "facility"),
        write_roles=OPERATORS,
    )
)

ZONES = register(
    ModelSpec(
        model=Zone,
        fields=("name", "capacity", "anti_passback"),
        api_fields=("name", "capacity", "anti_passback", "occupancy"),
        filterset=ZoneFilterSet,
        table=ZoneTable,
        default_sort="name",
        hooks=Hooks(tidy=services.tidy_named, validate=services.validate_zone),
        search_fields=("name",),
        nav=NavEntry(label="Zones", icon="bi-signpost-split", order=42),
        # The presence page (who is inside, by zone) and its manual exits.
        extra_urls="clientbook.facility.presence_urls",
        describe=lambda zone: zone.name,
        summary_fields=("capacity", "anti_passback"),
        importable=False,
        export_format=EXPORT_FORMAT,
        read_roles=("admin", "support", "facility"),
        write_roles=OPERATORS,
    )
)

DEVICE_FIELDS = ("name", "zone", "direction", "failure_mode", "enabled")

DEVICES = register(
    ModelSpec(
        model=Device,
        fields=DEVICE_FIELDS,
        # A new token is a recorded change; its digest is masked, its prefix names it.
        audit_fields=(*DEVICE_FIELDS, "token_prefix", "token_issued_at", "token_digest"),
        api_fields=(*DEVICE_FIELDS, "token_prefix", "token_issued_at"),
        sensitive=frozenset({"token_digest"}),
        select_related=("zone",),
        filterset=DeviceFilterSet,
        table=DeviceTable,
        default_sort="name",
        hooks=Hooks(tidy=services.tidy_named, validate=services.validate_device),
        search_fields=("name",),
        natural_keys={"zone": "name"},
        nav=NavEntry(label="Gate devices", icon="bi-upc-scan", order=43),
        record_actions=(RecordAction("new-token", "New token", services.issue_device_token, "bi-key"),),
        describe=lambda device: device.name,
        summary_fields=("zone", "direction"),
        importable=False,
        export_format=EXPORT_FORMAT,
        read_roles=("admin", "support", "facility"),
        write_roles=OPERATORS,
    )
)

EVENT_FIELDS = (
    "at",
    "kind",
    "reason",
    "customer",
    "card",
    "zone",
    "device",
    "plate",
    "amount",
    "currency",
    "payment_status",
    "payment_reference",
    "entry",
    "actor",
    "note",
)
# The gate's record, read by the operator (its own permission, "view events"); written only by the gate's
# decisions and manual exits, never changed: a correction is a new event.
EVENT_READERS = ("facility", "admin")
EVENT_KEYS = {"customer": "code", "card": "card_number", "zone": "name", "device": "name", "actor": "username"}

EVENTS = register(
    ModelSpec(
        model=Event,
        fields=EVENT_FIELDS,
        append_only=True,
        queryset=selectors.events_for,
        filterset=EventFilterSet,
        table=EventTable,
        default_sort="-at",
        export_fields=EVENT_EXPORT_FIELDS,
        natural_keys=EVENT_KEYS,
        nav=NavEntry(label="Events", icon="bi-clock-history", order=44),
        # Who is inside now (``presence_views.py``): for whoever may view the events it is derived from.
        nav_pages=(NavPage(label="Presence", url_name="zones:zone_presence", icon="bi-door-open", order=45),),
        parent=Parent(field="customer", tab="Events", order=62),
        describe=str,
        summary_fields=("zone", "device", "reason"),
        importable=False,
        export_format=EXPORT_FORMAT,
        trash=False,
        read_roles=EVENT_READERS,
        write_roles=(),
    )
)

ENTRIES = register(
    ModelSpec(
        model=Entry,
        fields=EVENT_FIELDS,
        append_only=True,
        queryset=selectors.entries_for,
        filterset=EntryFilterSet,
        table=EntryTable,
        default_sort="-at",
        export_fields=ENTRY_EXPORT_FIELDS,
        natural_keys=EVENT_KEYS,
        parent=Parent(field="customer", tab="Entries", order=63),
        describe=str,
        summary_fields=("zone", "device"),
        importable=False,
        export_format=EXPORT_FORMAT,
        trash=False,
        read_roles=EVENT_READERS,
        write_roles=(),
    )
)
