"""The NinjaAPI instance served at /api/v1/: auth, the error envelope, the docs and the routers."""

from ninja import Swagger

from clientbook.accounts.api import router as accounts_router
from clientbook.activities.api import router as timeline_router
from clientbook.api.audit import router as audit_router
from clientbook.api.auth import requires
from clientbook.api.errors import install_error_handlers
from clientbook.api.exports import router as exports_router
from clientbook.api.imports import router as imports_router
from clientbook.api.kit import mount
from clientbook.api.openapi import ClientbookAPI
from clientbook.api.operations import router as operations_router
from clientbook.api.parameters import refuse_unknown_query_parameters
from clientbook.api.search import router as search_router
from clientbook.core.kit.spec import all_specs
from clientbook.facility.api import router as access_router
from clientbook.leads.api import router as conversion_router

DESCRIPTION = """
The Clientbook REST API. Authenticate with the session of a logged-in browser (POST, PATCH and
DELETE then need the `X-CSRFToken` header) or with `Authorization: Bearer <token>`
(`python manage.py apitoken USERNAME` prints one).

Lists return `{"items": [...], "count": N, "page": P, "page_size": S}`. Every error is
`{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`. A query parameter an operation
does not take is refused (400 naming it), never ignored.
"""

api = ClientbookAPI(
    title="Clientbook API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=requires(),
    # Assets come from Ninja's static files (``ninja`` is an installed app), never a CDN; the page
    # has no inline script, so it runs under the site's CSP. The validator badge would call out.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install_error_handlers(api)

api.add_router("", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/exports", exports_router)
api.add_router("/imports", imports_router)
api.add_router("/operations", operations_router)
api.add_router("/search", search_router)
mount(api, all_specs())  # every kit model's router, at /api/v1/<slug>
api.add_router("/customers", timeline_router)  # /customers/{code}/timeline, beside the customers' own
api.add_router("/leads", conversion_router)  # /leads/{code}/convert, beside the kit's router of leads
api.add_router("/access", access_router)  # gate devices' decisions, authenticated by the device's token
refuse_unknown_query_parameters(api)
