"""A kit spec for Labels over their existing services, served by a test API at /api/v1/labels.

It proves ``router_for`` and ``SpecApiTests`` on a model with an id (no code) until the kit's own
specs are registered; the URL conf replaces the project's for the tests that ask for it.
"""

from typing import Any

import django_filters
import django_tables2 as tables
from django.db import models
from django.urls import path

from clientbook.api.errors import install_error_handlers
from clientbook.api.kit import router_for
from clientbook.api.openapi import ClientbookAPI
from clientbook.api.parameters import refuse_unknown_query_parameters
from clientbook.core.kit.api_options import ApiAction, ApiOptions, api_path
from clientbook.core.listing import ListSpec
from clientbook.core.permissions import restrict
from clientbook.customers import services
from clientbook.customers.models import Label


class LabelFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Part of the name")
    colour = django_filters.MultipleChoiceFilter(choices=Label.Colour.choices, label="Colour")

    class Meta:
        model = Label
        fields: list[str] = []


class LabelTable(tables.Table):
    class Meta:
        model = Label
        fields = ("name", "colour")


class LabelWrites:
    def create(self, *, user: Any, fields: dict[str, Any]) -> models.Model:
        return services.create_label(user=user, **fields)

    def update(self, *, user: Any, obj: Any, fields: dict[str, Any], expected_version: int | None) -> models.Model:
        return services.update_label(user=user, label=obj, expected_version=expected_version, **fields)

    def delete(self, *, user: Any, obj: Any, expected_version: int | None) -> None:
        services.delete_label(user=user, label=obj, expected_version=expected_version)

    def restore(self, *, user: Any, obj: Any) -> models.Model:
        return services.restore_label(user=user, label=obj)

    def purge(self, *, user: Any, obj: Any) -> None:
        services.purge_label(user=user, label=obj)


def _paint_red(user: Any, label: Any) -> models.Model:
    return services.update_label(user=user, label=label, colour=Label.Colour.RED)


class LabelKitSpec:
    model = Label
    list_spec = ListSpec(
        key="kit-labels",
        model=Label,
        queryset=lambda user: restrict(user, "view", Label.objects.all()),
        filterset=LabelFilterSet,
        table=LabelTable,
        sort_fields={"name": ("name",), "created": ("created_at",)},
        default_sort="name",
        default_columns=("name", "colour"),
        url_namespace="customers",
        title="Labels",
    )
    writes = LabelWrites()
    api = ApiOptions(
        fields=("name", "colour"),
        examples=({"name": "VIP", "colour": "danger"},),
        actions=(ApiAction("paint-red", "Paint a label red", "Sets the colour to red.", _paint_red),),
    )


LABELS = LabelKitSpec()

api = ClientbookAPI(title="Kit test API", version="1", urls_namespace="kit-test")
install_error_handlers(api)
api.add_router(api_path(LABELS), router_for(LABELS))
refuse_unknown_query_parameters(api)

urlpatterns = [path("api/v1/", api.urls)]
