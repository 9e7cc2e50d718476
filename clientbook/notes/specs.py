from django import forms

from clientbook.core.kit.spec import Hooks, ModelSpec, NavEntry, Parent, RecordAction, RecordPermission, register
from clientbook.notes import selectors, services
from clientbook.notes.lists import NoteFilterSet, NoteTable
from clientbook.notes.models import Note

FIELDS = ("customer", "body", "pinned")


NOTES = register(
    ModelSpec(
        model=Note,
        fields=FIELDS,
        # The API answers the author too (read-only: not an editable field).
        api_fields=(*FIELDS, "author"),
        select_related=("customer", "author"),
        # static/js/markdown-toolbar.js adds the toolbar; without JavaScript it stays a plain textarea.
        form_widgets={"body": forms.Textarea(attrs={"rows": 6, "data-markdown-toolbar": ""})},
        filterset=NoteFilterSet,
        table=NoteTable,
        default_sort="note",
        search_fields=("body",),
        natural_keys={"customer": "code", "author": "username"},
        import_lookups={"customer": ("code",)},
        nav=NavEntry(label="Notes", icon="bi-journal-text", order=30),
        parent=Parent(
            field="customer",
            tab="Notes",
            order=20,
            quick_add="Add note",
            quick_icon="bi-journal-plus",
            overview=selectors.pinned_notes,
            overview_order=10,
        ),
        record_permission=RecordPermission(
            allows=services.may_write,
            refusal="Only the note's author or an administrator may change or delete it.",
        ),
        hooks=Hooks(
            validate=services.validate,
            before_insert=services.before_insert,
            after_save=services.after_save,
            after_delete=services.after_delete,
            after_restore=services.after_restore,
        ),
        record_actions=(
            RecordAction("pin", "Pin", services.pin, "bi-pin-angle", shown=lambda note: not note.pinned),
            RecordAction("unpin", "Unpin", services.unpin, "bi-pin-angle-fill", shown=lambda note: note.pinned),
        ),
        describe=lambda note: note.excerpt,
        subtitle=lambda note: note.customer.display_name,
        flag_field="pinned",
        details_tab="Note",
    )
)
