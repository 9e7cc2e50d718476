"""Login, user administration and API-token pages. Thin: forms parse, services decide.

Pages follow ``clientbook.core.web.editing``: anonymous visitors go to the login page, users without
the permission get 403, a refused form answers 422 with the input kept, a write ends in a 303.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientbook.accounts import selectors, services
from clientbook.accounts.forms import (
    LoginForm,
    OwnPasswordChangeForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
)
from clientbook.accounts.models import ApiToken
from clientbook.core.permissions import can
from clientbook.core.web.editing import UNPROCESSABLE, finish, permission_required, render_form

USERS_PER_PAGE = 50
User = get_user_model()

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def atomic_writes(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Run a view's writes in one transaction: a login's (last login, new session key) commit with its audit
    event or not at all; the session's contents are saved by the middleware after the view."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return wrapped


login = atomic_writes(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
    )
)
# Signing out when the session has already ended just lands on the login page.
logout = login_not_required(atomic_writes(auth_views.LogoutView.as_view()))


class OwnPasswordChangeView(auth_views.PasswordChangeView):
    """Any logged-in user changes their own password; the session stays logged in (Django's view
    updates its hash), the user's other sessions end."""

    form_class = OwnPasswordChangeForm
    template_name = "accounts/password_change.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        # The user row itself, not the request's lazy proxy: the audit log knows models by their class,
        # and the session's new hash is read from this object once the password is set on it.
        return {**super().get_form_kwargs(), "user": User._default_manager.get(pk=self.request.user.pk)}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        form.mark_invalid()
        response = super().form_invalid(form)
        response.status_code = UNPROCESSABLE
        return response

    def get_success_url(self) -> str:
        return reverse("accounts:password_change")


password_change = atomic_writes(OwnPasswordChangeView.as_view())


@require_safe
@permission_required("view", User)
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    state = request.GET.get("state", "all")
    if state not in selectors.USER_STATES:
        state = "all"
    page = Paginator(selectors.find_users(query=query, state=state), USERS_PER_PAGE).get_page(request.GET.get("page"))
    roles = selectors.roles_by_user(page.object_list)
    rows = [(user, roles[user.pk]) for user in page.object_list]
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "state": state,
            "states": selectors.USER_STATES,
            "can_add": can(request.user, "add", User),
            "can_change": can(request.user, "change", User),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("add", User)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                password=data["password"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return finish(request, message=f"User “{user.username}” created.", redirect_to=_users_url())
    return render_form(
        request, "accounts/user_form.html", {"form": form, "creating": True}, invalid=request.method == "POST"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("change", User)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": services.role_of(user),
        "is_active": user.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    editing_self = user.pk == request.user.pk
    if editing_self:
        # The service refuses these too; disabling them says so before the user tries.
        for name in ("role", "is_active"):
            form.fields[name].disabled = True
            form.fields[name].help_text = "You cannot change this on your own account; ask another admin."
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                actor=request.user,
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                is_active=data["is_active"],
                password=data["password"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return finish(request, message=f"User “{user.username}” saved.", redirect_to=_users_url())
    return render_form(
        request,
        "accounts/user_form.html",
        {"form": form, "creating": False, "edited_user": user, "editing_self": editing_self},
        invalid=request.method == "POST",
    )


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        if active:
            services.reactivate_user(actor=request.user, user=user)
        else:
            services.deactivate_user(actor=request.user, user=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(_users_url(), status=303)
    state = "reactivated" if active else "deactivated: they can no longer log in or use their API tokens"
    return finish(request, message=f"User “{user.username}” {state}.", redirect_to=_users_url())


@require_POST
@permission_required("change", User)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@require_POST
@permission_required("change", User)
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


def _users_url() -> str:
    return reverse("accounts:user_list")


# --- API tokens: every logged-in user manages their own; admins everyone's ------------------


@require_safe
def token_list(request: HttpRequest) -> HttpResponse:
    sees_all = can(request.user, "view", ApiToken)
    return render(
        request,
        "accounts/token_list.html",
        {
            "own_tokens": selectors.tokens_of(request.user),
            "all_tokens": selectors.all_tokens() if sees_all else None,
            "can_revoke_any": can(request.user, "delete", ApiToken),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, clear = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"], actor=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            # Shown in this response only: it is not stored, so it cannot be shown again.
            return render(request, "accounts/token_created.html", {"token": token, "clear_token": clear})
    return render_form(request, "accounts/token_form.html", {"form": form}, invalid=request.method == "POST")


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    owner = "" if token.user_id == request.user.pk else f" of {token.user}"
    return finish(
        request,
        message=f"Token {token.prefix}…{owner} revoked; it no longer opens the API.",
        redirect_to=reverse("accounts:token_list"),
    )
