"""Showing one sensitive value unmasked (``clientbook.core.sensitive``): the service and its modal.

Only holders of the model's ``view_sensitive`` permission (``customers.view_sensitive_customer``)
may, one value at a time, with a typed reason; each reveal is an audit event (who, which field,
which record, why) and a user may reveal at most ``CLIENTBOOK_REVEALS_PER_HOUR`` values in any hour,
counted from those events. The API's ``?reveal=`` goes through ``reveal_values`` and the same count.
"""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from clientbook.core import sensitive
from clientbook.core.kit.spec import ModelSpec
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import can
from clientbook.core.records import audit
from clientbook.core.web.editing import BootstrapFormMixin, render_form

REVEAL_ACTION = "view_sensitive"
REASON_MIN_LENGTH = 5
REASON_MAX_LENGTH = 300
WINDOW = timedelta(hours=1)


class TooManyReveals(Exception):
    """The user revealed the hour's allowance already; ``retry_after`` seconds until one more is allowed."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        limit = settings.CLIENTBOOK_REVEALS_PER_HOUR
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"You have revealed {limit} values in the last hour, the most allowed. Try again in {minutes} minute"
            f"{'s' if minutes != 1 else ''}."
        )


def sensitive_field_names(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.name for field in sensitive.encrypted_fields(model))


def may_reveal(user: Any, model: type[models.Model] | models.Model) -> bool:
    return can(user, REVEAL_ACTION, model)


def reveal_values(spec: ModelSpec, obj: Any, *, user: Any, fields: Iterable[str], reason: str) -> dict[str, str]:
    """The plain values of ``fields`` of ``obj``, each reveal audited and counted against the hourly limit.

    ``PermissionDenied`` without the right; ``ValidationError`` (by field) for an unknown field or a
    missing reason; ``TooManyReveals`` past the limit (nothing is revealed then).
    """
    wanted = list(dict.fromkeys(fields))
    if not may_reveal(user, spec.model):
        raise PermissionDenied(f"Your role may not see the sensitive data of {spec.plural} unmasked.")
    known = sensitive_field_names(spec.model)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValidationError({"reveal": f"Only {', '.join(known)} can be revealed; not {', '.join(unknown)}."})
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError({"reason": f"Say why you need to see it (at least {REASON_MIN_LENGTH} characters)."})
    present = [name for name in wanted if getattr(obj, name)]
    with transaction.atomic():
        # One user's reveals are counted one at a time, so two at once cannot both take the last one.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        _check_allowance(user, len(present))
        for name in present:
            audit.record_action(
                AuditEvent.Action.REVEAL, obj, user=user, field=name, field_label=_label(spec, name), reason=reason
            )
    return {name: sensitive.reveal(getattr(obj, name)) for name in wanted}


def _label(spec: ModelSpec, name: str) -> str:
    return str(getattr(spec.model._meta.get_field(name), "verbose_name", name))


def _check_allowance(user: Any, wanted: int) -> None:
    limit = settings.CLIENTBOOK_REVEALS_PER_HOUR
    since = timezone.now() - WINDOW
    moments = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, actor=user, at__gte=since)
        .order_by("at")
        .values_list("at", flat=True)[:limit]
    )
    if len(moments) + wanted > limit:
        # The oldest reveal still counted leaves the window first.
        freed_at = moments[0] + WINDOW if moments else timezone.now()
        raise TooManyReveals(max(1, int((freed_at - timezone.now()).total_seconds()) + 1))


# --- The modal -----------------------------------------------------------------------------------------


class RevealForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label="Why do you need to see it?",
        help_text="Recorded in the audit log with your name.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


def reveal_view(spec: ModelSpec, request: HttpRequest, lookup: str, field: str) -> HttpResponse:
    """GET: the reason form in the modal; POST: the value, once the reason is given and the reveal audited."""
    from clientbook.core.kit.views import get_record

    obj = get_record(spec, request, lookup)
    if field not in sensitive_field_names(spec.model):
        raise Http404(f"{field} is not a sensitive field.")
    form = RevealForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "spec": spec,
        "object": obj,
        "field": field,
        "field_label": _label(spec, field),
        "masked": sensitive.masked(getattr(obj, field)),
        "form": form,
        "action": request.get_full_path(),
    }
    if request.method == "POST" and form.is_valid():
        try:
            values = reveal_values(spec, obj, user=request.user, fields=[field], reason=form.cleaned_data["reason"])
        except TooManyReveals as refusal:
            response = render_form(request, "kit/reveal.html", {**context, "refusal": str(refusal)}, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        except ValidationError as error:
            for message in error.message_dict.get("reason", error.messages):
                form.add_error("reason", message)
        else:
            response = render_form(request, "kit/reveal.html", {**context, "value": values[field]})
            # The value must not outlive the dialog in a cache or the browser's history.
            response["Cache-Control"] = "no-store"
            return response
    return render_form(request, "kit/reveal.html", context, invalid=request.method == "POST")
