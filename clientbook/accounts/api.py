"""``GET /api/v1/me``: who the API thinks the caller is, and what they may do."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from clientbook.accounts.models import Role
from clientbook.accounts.services import role_of
from clientbook.api.auth import caller, requires
from clientbook.api.errors import AUTH_ERRORS, ErrorOut

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    name: str
    email: str
    role: Role | None
    permissions: list[str]


@router.get(
    "/me",
    response={200: MeOut, 400: ErrorOut, **AUTH_ERRORS},
    auth=requires(),
    operation_id="get_me",
    summary="The calling user",
)
def me(request: HttpRequest) -> Any:
    user = caller(request)
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "email": user.email,
        "role": role_of(user),
        "permissions": sorted(user.get_all_permissions()),
    }
