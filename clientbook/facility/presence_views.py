"""The presence page: who is inside now, by zone, against capacity, refreshed by htmx polling."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from clientbook.core.web.editing import permission_required
from clientbook.facility import gate, selectors
from clientbook.facility.models import Event, Presence

REFRESH_SECONDS = 5


@require_safe
@permission_required("view", Event)
def presence_page(request: HttpRequest) -> HttpResponse:
    context = {
        "zones": selectors.presence_by_zone(request.user),
        "may_exit": request.user.has_perm("facility.record_manual_exit"),  # type: ignore[union-attr]
        "refresh_seconds": REFRESH_SECONDS,
    }
    template = "facility/presence.html#presence" if request.htmx else "facility/presence.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@permission_required("view", Event)
def record_exit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("facility.record_manual_exit"):  # type: ignore[union-attr]
        raise PermissionDenied("Your role may not record manual exits.")
    presence = get_object_or_404(Presence.objects.select_related("card", "zone"), pk=pk)
    try:
        gate.manual_exit(user=request.user, presence=presence, note=request.POST.get("note", ""))
    except ValueError as refused:
        messages.warning(request, str(refused))
    else:
        messages.success(request, f"Card {presence.card.card_number} left {presence.zone.name} (manual exit).")
    return redirect("zones:zone_presence")
