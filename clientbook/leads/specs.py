from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, RecordPermission, register
from clientbook.leads import selectors, services
from clientbook.leads.exports import LEAD_EXPORT_FIELDS
from clientbook.leads.lists import LeadFilterSet, LeadTable
from clientbook.leads.models import Lead

FIELDS = (
    "name",
    "mobile",
    "alternative_mobile",
    "email",
    "company",
    "source",
    "status",
    "assignee",
    "notes",
)
# Set by the conversion only: recorded and answered, written by no form or body.
CONVERSION = ("customer", "converted_at")


LEADS = register(
    ModelSpec(
        model=Lead,
        fields=FIELDS,
        audit_fields=("code", *FIELDS, *CONVERSION),
        api_fields=(*FIELDS, *CONVERSION),
        export_fields=LEAD_EXPORT_FIELDS,
        select_related=("assignee", "customer"),
        filterset=LeadFilterSet,
        table=LeadTable,
        default_sort="name",
        default_columns=("code", "name", "company", "mobile", "email", "source", "status", "assignee", "created_at"),
        search_fields=("name", "email", "company"),
        phone_fields=("mobile", "alternative_mobile"),
        search_hint="code, name, e-mail, mobile, company",
        identifiers=("code", "email", "mobile"),
        natural_keys={"assignee": "username", "customer": "code"},
        import_lookups={"assignee": ("username",)},
        nav=NavEntry(label="Leads", icon="bi-funnel", order=5),
        record_permission=RecordPermission(
            allows=services.may_write,
            refusal=services.READ_ONLY,
            # Until it is converted, a lead is anyone's who may change leads.
            unrestricted_roles=("admin", "sales"),
        ),
        hooks=Hooks(
            validate=services.validate,
            before_insert=services.assign_code,
            search_words=services.search_words,
        ),
        describe=lambda lead: lead.name,
        short_name=lambda lead: lead.code,
        summary_fields=("company", "email"),
        subtitle=selectors.search_subtitle,
        page_context=selectors.page_context,
        extra_urls="clientbook.leads.urls",
    )
)
