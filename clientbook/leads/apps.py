from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "clientbook.leads"
    label = "leads"
    verbose_name = "Leads"
