"""The sidebar: the entries of the registered specs and of the shared pages (a context processor)."""

from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import slugify

from clientbook.core.kit.spec import all_specs
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import trash


@dataclass(frozen=True)
class NavLink:
    label: str
    icon: str
    url: str
    testid: str
    active: bool = False


def nav_links(user: Any) -> list[NavLink]:
    """The entries ``user`` may open: each spec's list and the pages its app adds, in their declared order."""
    ordered: list[tuple[int, str, NavLink]] = []
    for spec in all_specs():
        if spec.nav is not None and can(user, spec.nav.permission, spec.model):
            label = spec.nav.label or spec.title
            link = NavLink(label, spec.nav.icon, reverse(spec.url_name("list")), f"nav-{spec.slug}")
            ordered.append((spec.nav.order, spec.title, link))
        for page in spec.nav_pages:
            if can(user, page.permission, spec.model):
                link = NavLink(page.label, page.icon, reverse(page.url_name), f"nav-{slugify(page.label)}")
                ordered.append((page.order, page.label, link))
    ordered.sort(key=lambda entry: (entry[0], entry[1]))
    return [link for _, _, link in ordered]


def _mark_active(links: list[NavLink], path: str) -> list[NavLink]:
    """The entry whose address is the longest start of ``path``: on ``/zones/presence/`` Presence, not Zones."""
    matching = [link for link in links if path.startswith(link.url)]
    if not matching:
        return links
    current = max(matching, key=lambda link: len(link.url))
    return [replace(link, active=True) if link is current else link for link in links]


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
        "kit_nav": _mark_active(nav_links(user), request.path),
    }
