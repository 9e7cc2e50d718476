from typing import Any

from django.http import HttpRequest

from clientbook.core.kit.navigation import nav_links
from clientbook.core.permissions import is_admin
from clientbook.core.records import trash


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which sidebar entries the current user may open (the server still checks every request)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "customers": user.has_perm("customers.view_customer"),
            "users": user.has_perm("auth.view_user"),
            "audit": is_admin(user),
            "trash": bool(trash.specs_for(user)),
        },
        "kit_nav": nav_links(user),
    }
