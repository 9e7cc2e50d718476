"""The sidebar entries of the registered specs."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from clientbook.core.kit.spec import all_specs
from clientbook.core.permissions import can


@dataclass(frozen=True)
class NavLink:
    label: str
    icon: str
    url: str
    testid: str


def nav_links(user: Any) -> list[NavLink]:
    """The entries ``user`` may open, in their declared order."""
    specs = [spec for spec in all_specs() if spec.nav is not None and can(user, spec.nav.permission, spec.model)]
    specs.sort(key=lambda spec: (spec.nav.order if spec.nav else 0, spec.title))
    return [
        NavLink(spec.nav.label or spec.title, spec.nav.icon, reverse(spec.url_name("list")), f"nav-{spec.slug}")
        for spec in specs
        if spec.nav is not None
    ]
