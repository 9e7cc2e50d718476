from clientbook.contacts import selectors, services
from clientbook.contacts.lists import ContactFilterSet, ContactTable
from clientbook.contacts.models import Contact
from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, Parent, RecordAction, register

FIELDS = ("organization", "first_name", "last_name", "email", "phone", "job_title", "department", "is_primary", "notes")


CONTACTS = register(
    ModelSpec(
        model=Contact,
        fields=FIELDS,
        select_related=("organization",),
        filterset=ContactFilterSet,
        table=ContactTable,
        default_sort="name",
        search_fields=("first_name", "last_name", "email", "job_title", "department"),
        phone_fields=("phone",),
        natural_keys={"organization": "code"},
        import_lookups={"organization": ("code", "company_name")},
        nav=NavEntry(label="Contacts", icon="bi-person-lines-fill", order=20),
        parent=Parent(
            field="organization",
            tab="Contacts",
            order=30,
            search_words=lambda contact: [contact.name],
            shown=lambda customer: customer.kind == "organization",
            facts=selectors.primary_contact_facts,
        ),
        hooks=Hooks(
            validate=services.validate,
            before_save=services.before_save,
            after_delete=services.after_delete,
        ),
        record_actions=(
            RecordAction(
                "set-primary", "Set as primary", services.set_primary, "bi-star", shown=lambda c: not c.is_primary
            ),
        ),
        describe=lambda contact: contact.name,
        summary_fields=("job_title", "email", "phone"),
        identifiers=("email", "phone"),
        subtitle=lambda contact: " · ".join(
            part for part in (contact.organization.company_name, contact.job_title) if part
        ),
        flag_field="is_primary",
    )
)
