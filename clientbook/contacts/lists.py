"""The contact list's filters and columns."""

import django_filters
import django_tables2 as tables

from clientbook.contacts.models import Contact
from clientbook.core.kit.filters import SearchFilter


class ContactFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    organization = django_filters.CharFilter(field_name="organization__code", label="Organization code")
    department = django_filters.CharFilter(lookup_expr="icontains")
    job_title = django_filters.CharFilter(lookup_expr="icontains")
    is_primary = django_filters.BooleanFilter()

    class Meta:
        model = Contact
        fields = ["q", "organization", "department", "job_title", "is_primary"]


class ContactTable(tables.Table):
    name = tables.Column(order_by=("sort_name",), linkify=("contacts:contact_detail", {"pk": tables.A("pk")}))
    organization = tables.Column(accessor="organization__company_name", order_by=("organization__sort_name",))
    email = tables.EmailColumn()
    phone = tables.Column()
    job_title = tables.Column()
    department = tables.Column()
    is_primary = tables.BooleanColumn(verbose_name="Primary")
    updated_at = tables.DateTimeColumn(verbose_name="Updated", format="Y-m-d")

    class Meta:
        model = Contact
        fields = ()
        sequence = ("name", "organization", "email", "phone", "job_title", "department", "is_primary", "updated_at")
