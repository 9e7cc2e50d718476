from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "clientbook.notes"
    label = "notes"
    verbose_name = "Notes"
