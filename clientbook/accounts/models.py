"""Users are Django's; this app adds API tokens (stored hashed) and per-user preferences."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """Roles are Django groups (created by a migration); these are their names."""

    ADMIN = "admin", "Admin"
    SALES = "sales", "Sales"
    SUPPORT = "support", "Support"
    ACCOUNTING = "accounting", "Accounting"
    FACILITY = "facility", "Facility operator"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the clear token is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise a token.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(clear_token: str) -> str:
        return hashlib.sha256(clear_token.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UserPreference(models.Model):
    """A remembered choice of one user: visible columns of a list, page size …"""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    key = models.CharField(max_length=100)
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_user_preference")]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"
