from clientbook.activities import selectors, services
from clientbook.activities.api_schemas import ACTIVITY_API
from clientbook.activities.forms import ActivityForm
from clientbook.activities.lists import ActivityFilterSet, ActivityTable, CallFilterSet
from clientbook.activities.models import Activity
from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, Parent, RecordPermission, TabView, register

FIELDS = (
    "customer",
    "lead",
    "type",
    "title",
    "description",
    "occurred_at",
    "duration_minutes",
    "outcome",
    "direction",
    "phone",
    "contact",
)


ACTIVITIES = register(
    ModelSpec(
        model=Activity,
        fields=FIELDS,
        api_fields=(*FIELDS, "author", "automatic", "ticket"),
        select_related=("customer", "lead", "author", "contact", "note", "ticket"),
        form=ActivityForm,
        filterset=ActivityFilterSet,
        # The timeline's chips: All, Communication, Notes, Changes, Deals.
        chip_filter="group",
        table=ActivityTable,
        default_sort="-occurred_at",
        search_fields=("title", "description"),
        phone_fields=("phone",),
        natural_keys={"customer": "code", "lead": "code", "author": "username", "ticket": "code"},
        import_lookups={"customer": ("code",), "lead": ("code",)},
        nav=NavEntry(label="Activities", icon="bi-activity", order=25),
        parent=Parent(
            field="customer",
            tab="Activities",
            order=10,
            quick_add="Log activity",
            quick_icon="bi-plus-circle",
            overview=selectors.latest_activities,
            overview_order=20,
            # The customer's calls on a tab of their own (they stay in the timeline too): a missed inbound
            # call offers "Call back" and "Log outcome" (activities/_activity_calls_row.html).
            views=(
                TabView(
                    key="calls",
                    label="Calls",
                    fixed={"type": Activity.Type.CALL},
                    order=15,
                    filterset=CallFilterSet,
                    chip_filter="",
                    add_label="Log a call",
                ),
            ),
        ),
        # A lead's timeline: the same entries, on the lead's page until it is converted and after.
        also_parents=(
            Parent(
                field="lead",
                tab="Activities",
                order=10,
                quick_add="Log activity",
                quick_icon="bi-plus-circle",
            ),
        ),
        record_permission=RecordPermission(
            allows=services.may_write,
            refusal="Only the author or an administrator may change an entry; automatic entries never change.",
        ),
        hooks=Hooks(
            derive=services.derive,
            validate=services.validate,
            before_insert=services.before_insert,
            after_save=services.follow_activity,
            after_delete=services.forget_activity,
            after_restore=services.forget_activity,
        ),
        describe=lambda activity: activity.title,
        api=ACTIVITY_API,
    )
)
