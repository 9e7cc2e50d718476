from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from clientbook.api.api import api
from clientbook.core.kit.search_views import search_urls
from clientbook.core.kit.urls import kit_urls
from clientbook.core.web.urls import audit_urls, export_urls, import_urls, operation_urls, trash_urls

urlpatterns = [
    # Open to everyone: the customer list it leads to asks for the login.
    path(
        "",
        login_not_required(RedirectView.as_view(pattern_name="customers:customer_list", permanent=False)),
        name="home",
    ),
    path("accounts/", include("clientbook.accounts.urls")),
    path("audit/", include(audit_urls)),
    path("trash/", include(trash_urls)),
    path("operations/", include(operation_urls)),
    path("exports/", include(export_urls)),
    path("imports/", include(import_urls)),
    path("search/", include(search_urls)),
    # Before the kit's pages, whose many patterns every API request (a gate's decision) would try first.
    path("api/v1/", api.urls),
    # Every model spec's pages (clientbook.core.kit): no model edits this file.
    path("", include(kit_urls())),
]
