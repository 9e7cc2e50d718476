from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "clientbook.activities"
    label = "activities"
    verbose_name = "Activities"
