from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "clientbook.contacts"
    label = "contacts"
    verbose_name = "Contacts"
