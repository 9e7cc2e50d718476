"""Shared model building blocks: code sequences, timestamps, soft delete and versions, background jobs."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Sequence(models.Model):
    """The last number handed out for a code prefix (``CUST`` → ``CUST0000001``).

    Incremented inside the creating transaction; numbers only ever go up, so a code is never reused.
    """

    prefix = models.CharField(max_length=16, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_value}"


class LiveManager(models.Manager):
    """The default manager: hides soft-deleted rows everywhere (lists, search, API, relations)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class TrackedModel(models.Model):
    """Timestamps, an optimistic-lock version and soft delete for every user-facing model."""

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Not indexed here: a full index on a column that is almost always NULL leads SQLite's planner
    # to read every live row through it; each model indexes its deleted rows with a partial index.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012  (a manager, not a field: deleted rows included)

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AuditEventQuerySet(models.QuerySet):
    """Audit events are append-only: the ORM refuses to change or delete them in bulk too."""

    def update(self, **kwargs: object) -> int:
        raise AuditTrailIsAppendOnly("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        raise AuditTrailIsAppendOnly("Audit events cannot be changed.")


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """One thing that happened: who, from where, to what, and for updates every changed field.

    Written by ``clientbook.core.records.audit`` inside the transaction of the change. ``state`` holds the
    recorded fields right after the change, which is what "as of" views read.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        STATUS_CHANGE = "status_change", "Status changed"
        DELETE = "delete", "Deleted"
        RESTORE = "restore", "Restored"
        PURGE = "purge", "Purged"
        REVERT = "revert", "Reverted"
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logged out"
        TOKEN_CREATE = "token_create", "API token created"
        TOKEN_REVOKE = "token_revoke", "API token revoked"
        ROLE_CHANGE = "role_change", "Role changed"
        EXPORT = "export", "Exported"
        IMPORT = "import", "Imported"
        REVEAL = "reveal", "Revealed masked data"
        UNDO_OPERATION = "undo_operation", "Operation undone"

    class ActorKind(models.TextChoices):
        USER = "user", "User"
        TOKEN = "token", "API token"
        SYSTEM = "system", "System"
        PORTAL = "portal", "Portal customer"

    at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_display = models.CharField(max_length=150)
    token_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_code = models.CharField(max_length=32, blank=True)
    object_display = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    state = models.JSONField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    operation_id = models.UUIDField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["object_code", "at"], name="audit_code_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["operation_id"], name="audit_operation"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_display} {self.action} {self.object_code or self.object_display}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")


class BulkOperation(models.Model):
    """One bulk change (a list's bulk action; later an import or a merge) and whether it was undone.

    ``id`` is the operation id that every audit event of the change carries, so the events hold
    what changed row by row and this row holds the summary: who, when, what, how many, its state.
    An undo is an operation of its own that points at the one it undid (``undoes``).
    """

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped by an error"
        UNDONE = "undone", "Undone"

    id = models.UUIDField(primary_key=True, editable=False)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    object_type = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_display = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    selected_count = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undo_operation"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="bulk_operation_user_at")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_undo(self) -> bool:
        return self.undoes_id is not None


class BackgroundJob(models.Model):
    """The bookkeeping of a job the worker runs under a lease (``clientbook.core.jobs.leases``).

    ``attempts`` counts the workers that claimed the job; ``heartbeat_at`` moves while one holds it,
    so a job whose worker died is found by its old heartbeat and run again, or failed with ``error``
    after too many attempts. Each job declares its own ``state`` (their states differ) and indexes
    ``(state, heartbeat_at)`` for the sweeper.
    """

    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class ExportJob(BackgroundJob):
    """One export of a list to a file, run by the worker (or at once when small), kept for download.

    The list query (search, filters, sort), the fields and the format are stored so the worker can
    rebuild the export with the requesting user's rights. Progress is read from this row by the
    page that polls it; ``heartbeat_at`` moves while a worker writes, so a job whose worker died
    can be found and run again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        PDF = "pdf", "PDF"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    list_key = models.CharField(max_length=40)
    format = models.CharField(max_length=4, choices=Format.choices)
    fields = models.JSONField(default=list)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)

    class Meta(BackgroundJob.Meta):
        indexes = [
            models.Index(fields=["user", "created_at"], name="export_job_user_at"),
            models.Index(fields=["state", "heartbeat_at"], name="export_job_state"),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.list_key} as {self.format} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ImportJob(BackgroundJob):
    """One upload of a file into a registered model, from upload through preview to the finished run.

    The file stays under storage while the job lives; the mapping and options the user chose are
    kept here so the worker (and a resumed worker) reads the file exactly as previewed. Each batch
    commits its rows, its rejections and ``checkpoint`` (data rows done) together, so a run that
    resumes after a crash starts at the checkpoint and never writes a row twice. ``heartbeat_at``
    moves while a worker holds the job; the sweeper re-queues a job whose worker went silent.
    The counts always add up: created + updated + skipped + rejected = rows done.
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Waiting for the mapping"
        PREVIEWING = "previewing", "Previewing"
        PREVIEWED = "previewed", "Preview ready"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    class Strategy(models.TextChoices):
        SKIP = "skip", "Skip rows that match an existing record"
        UPDATE = "update", "Update the existing record"
        CREATE = "create", "Create a new record anyway"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    model_key = models.CharField(max_length=40)
    file = models.FileField(upload_to="imports/", max_length=300)
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=8)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    strategy = models.CharField(max_length=8, choices=Strategy.choices, default=Strategy.SKIP)
    match_on = models.JSONField(default=list)
    state = models.CharField(max_length=12, choices=State.choices, default=State.UPLOADED)
    dry_run = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    checkpoint = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict)
    operation = models.ForeignKey(
        BulkOperation, null=True, blank=True, on_delete=models.PROTECT, related_name="import_jobs"
    )
    cancel_requested = models.BooleanField(default=False)

    class Meta(BackgroundJob.Meta):
        indexes = [
            models.Index(fields=["user", "created_at"], name="import_job_user_at"),
            models.Index(fields=["state", "heartbeat_at"], name="import_job_state"),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name} ({self.state})"

    @property
    def working(self) -> bool:
        return self.state in (self.State.PREVIEWING, self.State.QUEUED, self.State.RUNNING)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.CANCELLED, self.State.FAILED)

    @property
    def progress(self) -> int:
        if self.state in (self.State.DONE, self.State.PREVIEWED):
            return 100
        return min(99, self.checkpoint * 100 // self.total) if self.total else 0


class ImportRejection(models.Model):
    """A data row the import refused: the original cells and why, for the downloadable error file.

    Written in the transaction of the row's batch, so a committed batch always has its rejections.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField()
    cells = models.JSONField(default=list)
    reason = models.TextField()

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="unique_import_rejection_row")]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.reason}"
