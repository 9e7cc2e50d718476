from django.urls import include, path
from django.views.generic import RedirectView

from clientbook.api.api import api
from clientbook.core.kit.urls import kit_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="customers:customer_list", permanent=False), name="home"),
    path("accounts/", include("clientbook.accounts.urls")),
    path("customers/", include("clientbook.customers.urls")),
    path("audit/", include("clientbook.core.urls")),
    path("trash/", include("clientbook.core.trash_urls")),
    path("operations/", include("clientbook.core.operation_urls")),
    path("exports/", include("clientbook.core.export_urls")),
    path("imports/", include("clientbook.core.import_urls")),
    # Every model spec's pages (clientbook.core.kit): no model edits this file.
    path("", include(kit_urls())),
    path("api/v1/", api.urls),
]
