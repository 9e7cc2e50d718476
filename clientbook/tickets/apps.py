from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "clientbook.tickets"
    label = "tickets"
    verbose_name = "Tickets"
