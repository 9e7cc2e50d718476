"""A record page's tabs: its details, one tab per child spec (that spec's list fixed to the record) and one per
view the child declares (``Parent.views``: that list narrowed further, a customer's Calls), its history.

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
from clientbook.core.kit.spec import Fact, ModelSpec, Parent, TabView, children_of, link_to, spec_for
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
        if link_to(child, record).shown(record) and can(user, "view", child.model)
    ]


@dataclass(frozen=True)
class ChildTab:
    r"""A tab of a child spec on its parent's page, through one of its parent ``link``\ s: the child's own
    (``view`` None) or one of that link's views."""

    child: ModelSpec
    link: Parent
    view: TabView | None = None

    @property
    def key(self) -> str:
        return self.view.key if self.view is not None else self.child.slug

    @property
    def label(self) -> str:
        if self.view is not None:
            return self.view.label
        return self.link.tab or self.child.title

    @property
    def order(self) -> int:
        return self.view.order if self.view is not None else self.link.order


def child_tabs(user: Any, record: Any) -> list[ChildTab]:
    """The tabs the child specs give ``record`` for ``user``, by their order (a child's own tab before its
    views of the same order)."""
    found: list[ChildTab] = []
    for child in visible_children(user, record):
        link = link_to(child, record)
        found.append(ChildTab(child, link))
        found.extend(ChildTab(child, link, view) for view in link.views if view.shown(record))
    return sorted(found, key=lambda tab: tab.order)


def child_tab_url(child: ModelSpec, parent: Any, view: TabView | None = None) -> str:
    """The parent's page with ``child``'s tab (or its ``view``) open: ``/customers/CUST0000001/activities/``."""
    parent_spec = spec_for(parent)
    key = view.key if view is not None else child.slug
    return reverse(parent_spec.url_name(f"{key}_tab"), kwargs={parent_spec.lookup: getattr(parent, parent_spec.lookup)})


def record_tabs(spec: ModelSpec, user: Any, record: Any) -> list[Tab]:
    return [
        Tab(DETAILS, spec.details_tab, record_url(spec, "detail", record)),
        *(Tab(tab.key, tab.label, child_tab_url(tab.child, record, tab.view)) for tab in child_tabs(user, record)),
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
        link = link_to(child, record)
        if not link.quick_add or not can(user, "add", child.model):
            continue
        key = getattr(record, child.natural_keys.get(link.field, "pk"))
        url = f"{reverse(child.url_name('create'))}?{link.field}={key}"
        actions.append(QuickAction(slugify(link.quick_add), link.quick_add, link.quick_icon, url))
    return actions


def overview_panels(request: Any, record: Any) -> list[SafeString]:
    """The first tab's panels the child specs give ``record`` (a customer's pinned notes, open deals), rendered."""
    panels = []
    children = [child for child in visible_children(request.user, record) if link_to(child, record).overview]
    for child in sorted(children, key=lambda child: link_to(child, record).overview_order):
        overview = link_to(child, record).overview
        assert overview is not None
        context = overview(request.user, record)
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
        link = link_to(child, record)
        if link.facts is not None:
            facts.extend(link.facts(user, record))
    return facts
