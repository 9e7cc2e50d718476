"""A record page's tabs: its details, one tab per child spec (that spec's list fixed to the record), its history.

Every tab has a URL of its own that renders the whole record page with that tab open, so links work
without JavaScript and a reload or a shared link opens the same tab; htmx swaps only the panel
(``#record-tab``) and the tab bar (``#record-tabs``), picked from that page. Child specs may also give
the first tab a panel (``Parent.overview``) and the page header figures (``Parent.facts``).
"""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import slugify

from clientbook.core.kit.registration import record_url
from clientbook.core.kit.spec import Fact, ModelSpec, children_of, spec_for
from clientbook.core.permissions import can

DETAILS = "details"
HISTORY = "history"


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str
    icon: str = ""


def visible_children(user: Any, record: Any) -> list[ModelSpec]:
    """The child specs whose tab ``record`` has and ``user`` may open, in their order."""
    return [
        child
        for child in children_of(record)
        if child.parent is not None and child.parent.shown(record) and can(user, "view", child.model)
    ]


def child_tab_url(child: ModelSpec, parent: Any) -> str:
    """The parent's page with ``child``'s tab open: ``/customers/CUST0000001/activities/``."""
    parent_spec = spec_for(parent)
    return reverse(
        parent_spec.url_name(f"{child.slug}_tab"), kwargs={parent_spec.lookup: getattr(parent, parent_spec.lookup)}
    )


def record_tabs(spec: ModelSpec, user: Any, record: Any) -> list[Tab]:
    return [
        Tab(DETAILS, spec.details_tab, record_url(spec, "detail", record)),
        *(
            Tab(child.slug, child.parent.tab or child.title, child_tab_url(child, record))
            for child in visible_children(user, record)
            if child.parent is not None
        ),
        *(
            ()
            if spec.append_only
            else (Tab(HISTORY, "History", record_url(spec, "history", record), icon="bi-clock-history"),)
        ),
    ]


@dataclass(frozen=True)
class QuickAction:
    key: str
    label: str
    icon: str
    url: str


def quick_actions(user: Any, record: Any) -> list[QuickAction]:
    """The header's buttons adding a child of ``record`` in the modal ("Add note", "Log activity")."""
    actions = []
    for child in visible_children(user, record):
        assert child.parent is not None
        if not child.parent.quick_add or not can(user, "add", child.model):
            continue
        field = child.parent.field
        key = getattr(record, child.natural_keys.get(field, "pk"))
        url = f"{reverse(child.url_name('create'))}?{field}={key}"
        actions.append(
            QuickAction(slugify(child.parent.quick_add), child.parent.quick_add, child.parent.quick_icon, url)
        )
    return actions


def overview_panels(request: Any, record: Any) -> list[SafeString]:
    """The first tab's panels the child specs give ``record`` (a customer's pinned notes, open deals), rendered."""
    panels = []
    children = [child for child in visible_children(request.user, record) if child.parent and child.parent.overview]
    for child in sorted(children, key=lambda child: child.parent.overview_order if child.parent else 0):
        assert child.parent is not None and child.parent.overview is not None
        context = child.parent.overview(request.user, record)
        if not context:
            continue
        template = f"{child.model._meta.app_label}/_{child.model_name}_overview.html"
        context = {**context, "spec": child, "parent": record, "tab_url": child_tab_url(child, record)}
        panels.append(SafeString(render_to_string(template, context, request=request)))
    return panels


def header_facts(user: Any, record: Any) -> list[Fact]:
    """The figures the child specs show in ``record``'s header ("Won value", "Deals")."""
    facts: list[Fact] = []
    for child in visible_children(user, record):
        if child.parent is not None and child.parent.facts is not None:
            facts.extend(child.parent.facts(user, record))
    return facts
