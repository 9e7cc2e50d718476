"""The exportable fields of the lead list (``LEADS.export_fields``): every field, the choices by their
labels, the assignee by user name, and a converted lead's customer and moment."""

from clientbook.core.listing.columns import ExportField, Kind
from clientbook.leads.models import Lead


def _source_label(value: str) -> str:
    return str(Lead.Source(value).label) if value in Lead.Source.values else value


def _status_label(value: str) -> str:
    return str(Lead.Status(value).label) if value in Lead.Status.values else value


LEAD_EXPORT_FIELDS: tuple[ExportField, ...] = (
    ExportField("code", "Code"),
    ExportField("name", "Name"),
    ExportField("mobile", "Mobile"),
    ExportField("alternative_mobile", "Alternative mobile"),
    ExportField("email", "Email"),
    ExportField("company", "Company"),
    ExportField("source", "Source", value=_source_label),
    ExportField("status", "Status", value=_status_label),
    ExportField("assignee", "Assignee", columns=("assignee__username",)),
    ExportField("notes", "Notes"),
    ExportField("customer", "Customer", columns=("customer__code",)),
    ExportField("converted_at", "Converted", kind=Kind.DATETIME),
    ExportField("created_at", "Created", kind=Kind.DATETIME),
    ExportField("updated_at", "Updated", kind=Kind.DATETIME),
)
