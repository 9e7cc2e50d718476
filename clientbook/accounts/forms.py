"""Forms of the accounts pages. They parse input; the rules (password strength, self-protection,
uniqueness) are the services', whose field errors the views put back on these forms."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from clientbook.accounts import services
from clientbook.accounts.models import Role
from clientbook.accounts.services import TOKEN_NAME_MAX_LENGTH
from clientbook.core.web.editing import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.style_widgets()


class OwnPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """The current password, then the new one twice (Django's validators check it); saved by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def save(self, commit: bool = True) -> Any:
        services.change_own_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


def _role_field() -> forms.ChoiceField:
    # No preselected role: giving someone Admin by default would be one careless click away.
    return forms.ChoiceField(
        choices=[("", "Choose a role…"), *Role.choices],
        help_text="Admin: everything and users. Sales: edits customers and labels. Support, Accounting: read only.",
    )


class _PasswordPairMixin:
    """Two password inputs that must match; the strength rules are checked by the service."""

    password_fields: tuple[str, str]
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        first, second = self.password_fields
        if cleaned.get(first) != cleaned.get(second) and not self.errors.get(second):  # type: ignore[attr-defined]
            self.add_error(second, "The two passwords do not match.")  # type: ignore[attr-defined]
        return cleaned


class UserCreateForm(_PasswordPairMixin, BootstrapFormMixin, forms.Form):
    password_fields = ("password", "password_again")

    username = forms.CharField(max_length=150, help_text="Letters, digits and @ . + - _ only.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = _role_field()
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class UserEditForm(_PasswordPairMixin, BootstrapFormMixin, forms.Form):
    # Named like the service's arguments, so its errors land on these fields.
    password_fields = ("password", "password_again")

    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    role = _role_field()
    is_active = forms.BooleanField(
        label="Active", required=False, help_text="An inactive user can neither log in nor use API tokens."
    )
    password = forms.CharField(
        label="New password",
        required=False,
        help_text="Leave empty to keep the current password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="New password (again)",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class TokenCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        max_length=TOKEN_NAME_MAX_LENGTH,
        required=False,
        help_text="What the token is for, e.g. “CRM sync” or “reporting script”.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()
