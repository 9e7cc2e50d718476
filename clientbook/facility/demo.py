"""The demo site's facility: zones with their readers, cards and vehicles of active customers, and weeks of
gate decisions.

Registered as a part of ``clientbook.customers.demo.load_demo`` (found like ``specs.py``). Zones, devices,
cards and vehicles are written through the kit; the history is a list of visits replayed in time order
through ``gate.decide`` (each with its moment), so events, presence, occupancy and ``last_used_at`` are what
the gate itself would have left. Visits that have not ended yet leave their customers inside now. A card
deactivated or revoked half way, expired cards still presented, a forgotten exit in the car park (soft
anti-passback: an alert) and unknown cards give the Events tab its denials. The choices come from one
seeded generator; the moments are relative to now, so "expiring soon" and "inside now" stay true.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from clientbook.core.kit import writes
from clientbook.customers.demo import DemoOffice, register_part
from clientbook.customers.models import Customer
from clientbook.facility import gate, services
from clientbook.facility.models import AccessCard, Device, Event, Vehicle, Zone
from clientbook.facility.plates import canonical_plate
from clientbook.facility.specs import ACCESS_CARDS, DEVICES, VEHICLES, ZONES
from clientbook.facility.validity import site_midnight, site_zone

HISTORY_DAYS = 14
CARD_SHARE = 0.3
VEHICLE_SHARE = 0.5
GYM_SHARE = 0.25
REGULARS = 0.3
# Cards whose visit of today is still going on: the Presence page is never empty on a fresh demo.
INSIDE_NOW = 7
# Customers no longer active who still hold a card: the gate refuses them (customer_not_active).
FORMER_CUSTOMERS = 3
STRANGERS = 6
PAYMENT_CURRENCY = "EUR"
BRANDS = {
    "Volvo": ("V60", "XC40", "XC90"),
    "Toyota": ("Corolla", "Yaris", "RAV4"),
    "Volkswagen": ("Golf", "Passat", "ID.4"),
    "Renault": ("Clio", "Megane", "Zoe"),
    "Skoda": ("Octavia", "Fabia"),
    "Tesla": ("Model 3", "Model Y"),
}
COLOURS = ("black", "white", "silver", "grey", "blue", "red", "green")
VEHICLE_TAGS = ("", "", "", "electric", "company car", "visitor", "electric, company car")


@dataclass(frozen=True)
class Site:
    """The demo's zones and the clear tokens of their readers (a reader keeps its own, the database a digest)."""

    building: Zone
    car_park: Zone
    gym: Zone
    tokens: dict[tuple[str, str], str]

    def token(self, zone: Zone, direction: str) -> str:
        return self.tokens[(zone.name, direction)]


@dataclass(order=True)
class Step:
    """One thing that happens at a moment: a card presented at a reader, or an operator changing a card."""

    at: dt.datetime
    sequence: int
    run: Callable[[dt.datetime], None] = field(compare=False)


@dataclass
class Holder:
    card: AccessCard
    plate: str = ""
    # How likely the holder comes in on a working day.
    regularity: float = 0.6
    # Came in within the last hours and has not left (today's only visitors).
    inside_now: bool = False


def load_facility(office: DemoOffice, *, now: dt.datetime | None = None) -> int:
    """The zones, cards, vehicles and the gate's history up to ``now`` (default: this minute)."""
    rng = random.Random(f"{office.seed}:facility")
    now = now or timezone.now().replace(second=0, microsecond=0)
    before = Event.objects.count()
    site = _site()
    holders = _holders(rng, site, now)
    steps: list[Step] = []
    changed = _plan_card_changes(rng, holders, now, steps)
    usable = [
        holder
        for holder in holders
        if holder not in changed
        and _valid_at(holder.card, now)
        and holder.card.customer.status == Customer.Status.ACTIVE
    ]
    for holder in usable[:INSIDE_NOW]:
        holder.inside_now = True
    for holder in holders:
        _plan_visits(rng, site, holder, now, steps)
    _plan_refusals(rng, site, now, steps)
    for step in sorted(steps):
        step.run(step.at)
    _restore_timeouts()
    return Event.objects.count() - before


def _day_of(now: dt.datetime) -> dt.date:
    return now.astimezone(site_zone()).date()


def _valid_at(card: AccessCard, at: dt.datetime) -> bool:
    return card.valid_until is None or card.valid_until > at


def _site() -> Site:
    building = writes.create(
        ZONES, user=None, values={"name": "Main building", "anti_passback": Zone.AntiPassback.HARD}
    )
    car_park = writes.create(
        ZONES, user=None, values={"name": "Car park", "capacity": 40, "anti_passback": Zone.AntiPassback.SOFT}
    )
    gym = writes.create(ZONES, user=None, values={"name": "Fitness room", "capacity": 12})
    clear: dict[tuple[str, str], str] = {}
    for zone, entry_name, exit_name in (
        (building, "Main entrance turnstile", "Main exit turnstile"),
        (car_park, "Car park barrier in", "Car park barrier out"),
        (gym, "Fitness room door in", "Fitness room door out"),
    ):
        for name, direction in ((entry_name, Device.Direction.ENTRY), (exit_name, Device.Direction.EXIT)):
            device = writes.create(DEVICES, user=None, values={"name": name, "zone": zone, "direction": direction})
            # The demo keeps the clear token to replay the history; "New token" gives a real reader its own.
            clear[(zone.name, direction)] = services.replace_device_token(None, device)
    return Site(building, car_park, gym, clear)


def _validity(rng: random.Random, now: dt.datetime) -> dict[str, dt.datetime | None]:
    """Mostly open-ended or valid for months; some expired in the last weeks, some expiring within two weeks.

    A card ends at the site's midnight, as the form's dates do, so no visit (all between morning and night)
    has its card expire between its entry and its exit."""
    today = _day_of(now)
    valid_from = site_midnight(today - dt.timedelta(days=rng.randint(HISTORY_DAYS + 5, 400)))
    roll = rng.random()
    until: dt.datetime | None = None
    if roll < 0.1:
        until = site_midnight(today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS - 5)))
    elif roll < 0.22:
        until = site_midnight(today + dt.timedelta(days=rng.randint(2, 14)))
    elif roll < 0.6:
        until = site_midnight(today + dt.timedelta(days=rng.randint(60, 700)))
    return {"valid_from": valid_from, "valid_until": until}


def _plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXZ"
    first, last = (rng.choice(letters) + rng.choice(letters) for _ in range(2))
    return f"{first}-{rng.randint(100, 999)}-{last}"


def _holders(rng: random.Random, site: Site, now: dt.datetime) -> list[Holder]:
    """Cards for a share of the active customers (a car park card for those with a vehicle), and a few for
    customers who are not active any more, whose attempts the gate refuses."""
    active = list(Customer.objects.filter(status=Customer.Status.ACTIVE).order_by("pk"))
    chosen = sorted(rng.sample(active, k=round(len(active) * CARD_SHARE)), key=lambda customer: customer.pk)
    former = list(Customer.objects.exclude(status=Customer.Status.ACTIVE).order_by("pk")[:FORMER_CUSTOMERS])
    holders = []
    for number, customer in enumerate([*chosen, *former], start=1):
        zones = [site.building]
        plate = ""
        if rng.random() < VEHICLE_SHARE:
            vehicle = _vehicle(rng, customer)
            if vehicle is not None:
                plate = vehicle.plate_number
                zones.append(site.car_park)
        if rng.random() < GYM_SHARE:
            zones.append(site.gym)
        values = {
            "customer": customer,
            "card_number": f"FAC{number:05d}",
            "username": customer.display_name[:150],
            "allowed_zones": zones,
            **_validity(rng, now),
        }
        card = writes.create(ACCESS_CARDS, user=None, values=values)
        regularity = _regularity(rng) if customer.status == Customer.Status.ACTIVE else 0.2
        holders.append(Holder(card=card, plate=plate, regularity=regularity))
    return holders


def _regularity(rng: random.Random) -> float:
    """A few regulars come most working days; most holders now and then."""
    return rng.uniform(0.5, 0.8) if rng.random() < REGULARS else rng.uniform(0.05, 0.2)


def _vehicle(rng: random.Random, customer: Customer) -> Vehicle | None:
    brand = rng.choice(sorted(BRANDS))
    for _ in range(5):
        plate = _plate(rng)
        if not Vehicle.objects.filter(plate_number=canonical_plate(plate)).exists():
            values = {
                "customer": customer,
                "plate": plate,
                "brand": brand,
                "model_name": rng.choice(BRANDS[brand]),
                "year": rng.randint(2012, 2026),
                "colour": rng.choice(COLOURS),
                "tags": rng.choice(VEHICLE_TAGS),
            }
            return writes.create(VEHICLES, user=None, values=values)  # type: ignore[no-any-return]
    return None


def _present(
    site: Site, zone: Zone, direction: str, card: AccessCard, *, plate: str = "", payment: gate.Payment | None = None
) -> Callable[[dt.datetime], None]:
    token = site.token(zone, direction)

    def run(at: dt.datetime) -> None:
        gate.decide(gate.Request(token=token, card_number=card.card_number, plate=plate, payment=payment), at=at)

    return run


def _plan_visits(rng: random.Random, site: Site, holder: Holder, now: dt.datetime, steps: list[Step]) -> None:
    """Working days in the building, the car park around them for a driver, the fitness room some evenings.

    Today only the holders ``inside_now`` come, an hour or two ago; their exits are not replayed."""
    card = holder.card
    zones = {zone.pk for zone in card.allowed_zones.all()}
    today = _day_of(now)
    forgot_exit_on = rng.randint(2, HISTORY_DAYS) if holder.plate and rng.random() < 0.15 else None
    for days_ago in range(HISTORY_DAYS, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        if days_ago == 0:
            if not holder.inside_now:
                continue
            arrival = now - dt.timedelta(minutes=rng.randint(20, 150))
            departure = now + dt.timedelta(hours=2)
        else:
            if (day.weekday() >= 5 and rng.random() < 0.85) or rng.random() > holder.regularity:
                continue
            arrival = site_midnight(day) + dt.timedelta(hours=7, minutes=rng.randint(0, 180))
            departure = arrival + dt.timedelta(hours=rng.randint(3, 9), minutes=rng.randint(0, 59))
        visit = [
            (arrival, _present(site, site.building, Device.Direction.ENTRY, card)),
            (departure, _present(site, site.building, Device.Direction.EXIT, card)),
        ]
        if holder.plate:
            visit.append((arrival - dt.timedelta(minutes=4), _park(rng, site, holder)))
            if days_ago != forgot_exit_on:
                leave = _present(site, site.car_park, Device.Direction.EXIT, card, plate=holder.plate)
                visit.append((departure + dt.timedelta(minutes=5), leave))
        if site.gym.pk in zones and days_ago and rng.random() < 0.4:
            workout = departure + dt.timedelta(minutes=rng.randint(10, 40))
            done = workout + dt.timedelta(minutes=rng.randint(35, 90))
            visit.append((workout, _present(site, site.gym, Device.Direction.ENTRY, card)))
            visit.append((done, _present(site, site.gym, Device.Direction.EXIT, card)))
        steps.extend(Step(at, len(steps) + offset, run) for offset, (at, run) in enumerate(visit) if at <= now)


def _park(rng: random.Random, site: Site, holder: Holder) -> Callable[[dt.datetime], None]:
    """The car park's barrier; one entry in three is paid there (a visitor's ticket), a few still pending."""
    payment = None
    if rng.random() < 0.33:
        status = rng.choices(list(Event.PaymentStatus), weights=(1, 8, 1))[0]
        amount = Decimal(rng.choice((250, 300, 450, 600))) / 100
        payment = gate.Payment(amount, PAYMENT_CURRENCY, status, f"PK-{rng.randint(100000, 999999)}")
    return _present(site, site.car_park, Device.Direction.ENTRY, holder.card, plate=holder.plate, payment=payment)


def _plan_card_changes(rng: random.Random, holders: list[Holder], now: dt.datetime, steps: list[Step]) -> list[Holder]:
    """A few usable cards deactivated, one revoked, at night during the weeks: their later visits are denied."""
    usable = [
        holder
        for holder in holders
        if _valid_at(holder.card, now) and holder.card.customer.status == Customer.Status.ACTIVE
    ]
    changed = rng.sample(usable, k=min(len(usable) // 3, max(3, len(usable) // 12)))
    for index, holder in enumerate(changed):
        night = site_midnight(_day_of(now) - dt.timedelta(days=rng.randint(2, 6)))
        change = _revoke if index == 0 else _deactivate
        steps.append(Step(night + dt.timedelta(hours=3), -1 - index, change(holder.card)))
    return changed


def _deactivate(card: AccessCard) -> Callable[[dt.datetime], None]:
    def run(at: dt.datetime) -> None:
        writes.update(AccessCard.objects.get(pk=card.pk), user=None, values={"is_active": False})

    return run


def _revoke(card: AccessCard) -> Callable[[dt.datetime], None]:
    def run(at: dt.datetime) -> None:
        services.revoke_card(None, AccessCard.objects.get(pk=card.pk))

    return run


def _plan_refusals(rng: random.Random, site: Site, now: dt.datetime, steps: list[Step]) -> None:
    """Cards nobody issued, presented at the main entrance now and then."""
    token = site.token(site.building, Device.Direction.ENTRY)
    for index in range(STRANGERS):
        moment = site_midnight(_day_of(now) - dt.timedelta(days=rng.randint(1, HISTORY_DAYS)))
        number = f"X{rng.randint(10000000, 99999999)}"

        def run(at: dt.datetime, number: str = number) -> None:
            gate.decide(gate.Request(token=token, card_number=number), at=at)

        steps.append(Step(moment + dt.timedelta(hours=rng.randint(7, 19)), -100 - index, run))


def _restore_timeouts() -> None:
    """The gate's decisions bound their waits for the rest of the transaction on PostgreSQL (``SET LOCAL``); the
    demo's other parts, written in the same transaction, get the server's usual limits back."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")


register_part("gate events", load_facility)
