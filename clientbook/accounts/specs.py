"""The accounts app's registrations with the shared pipeline (imported from ``AccountsConfig.ready``)."""

from django.contrib.auth import get_user_model

from clientbook.core.records import audit

User = get_user_model()

# The username is the user's code in the audit log, so the log filters a user's events by it.
# The password hash is never recorded: a password change is written as a masked change.
audit.register(
    audit.AuditSpec(
        model=User,
        fields=("username", "first_name", "last_name", "email", "is_active"),
        code_field=User.USERNAME_FIELD,
    )
)
