from clientbook.core.kit.api_options import ApiOptions
from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, Parent, RecordAction, register
from clientbook.deals import selectors, services
from clientbook.deals.exports import DEAL_EXPORT_FIELDS
from clientbook.deals.forms import DealForm
from clientbook.deals.lists import DealFilterSet, DealTable
from clientbook.deals.models import CLOSED_STAGES, Deal

FIELDS = (
    "customer",
    "title",
    "value",
    "currency",
    "stage",
    "expected_close_on",
    "owner",
    "contact",
    "lost_reason",
    "exchange_rate",
)
# Set by the services, recorded and answered but written by nobody.
DERIVED = ("closed_on", "won_value")


DEALS = register(
    ModelSpec(
        model=Deal,
        fields=FIELDS,
        audit_fields=(*FIELDS, *DERIVED),
        api_fields=(*FIELDS, *DERIVED),
        export_fields=DEAL_EXPORT_FIELDS,
        form=DealForm,
        select_related=("customer", "owner", "contact"),
        filterset=DealFilterSet,
        table=DealTable,
        default_sort="title",
        chip_filter="outcome",
        search_fields=("title", "lost_reason"),
        natural_keys={"customer": "code", "owner": "username"},
        import_lookups={"customer": ("code",), "owner": ("username",), "contact": ("email",)},
        nav=NavEntry(label="Deals", icon="bi-briefcase", order=22),
        parent=Parent(
            field="customer",
            tab="Deals",
            order=40,
            overview=selectors.overview,
            overview_order=30,
            facts=selectors.header_facts,
        ),
        hooks=Hooks(
            tidy=services.tidy,
            derive=services.derive,
            before_save=services.before_save,
            validate=services.validate,
            after_change=services.after_change,
        ),
        record_actions=(
            RecordAction(
                "next-stage",
                "Next stage",
                services.advance,
                "bi-arrow-right-circle",
                shown=lambda deal: services.next_stage(deal) is not None,
            ),
            RecordAction(
                "reopen",
                "Reopen",
                services.reopen,
                "bi-arrow-counterclockwise",
                shown=lambda d: d.stage in CLOSED_STAGES,
            ),
        ),
        # A stage goes back with its closed date, won value, rate and lost reason, as the rules set them together.
        linked_fields=(("stage", "closed_on", "won_value", "exchange_rate", "lost_reason"),),
        describe=lambda deal: deal.title,
        summary_fields=("customer",),
        page_context=selectors.page_context,
        api=ApiOptions(
            descriptions={
                "won_value": "The value in the customer's currency at the deal's exchange rate, rounded half-up "
                "to the cent; set when the deal is won, null otherwise.",
                "closed_on": "The day the deal was won or lost; null while it is open.",
                "exchange_rate": "Units of the customer's currency for one unit of the deal's: 1 when they are "
                "the same, required when a deal in another currency is won.",
            }
        ),
    )
)
