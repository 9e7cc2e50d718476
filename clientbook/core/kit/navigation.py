"""The sidebar: the entries of the registered specs and of the shared pages (a context processor)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from clientbook.core.kit.spec import all_specs
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import trash


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


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which sidebar entries the current user may open (the server still checks every request)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "users": user.has_perm("auth.view_user"),
            "audit": is_admin(user),
            "trash": bool(trash.specs_for(user)),
        },
        "kit_nav": nav_links(user),
    }
