"""The shared pages' URLs, each list mounted by config/urls.py under its own namespace:
the audit log (administrators) at ``/audit/``, the Trash at ``/trash/``, bulk operations and
their Undo at ``/operations/``, exports of any list at ``/exports/`` (the dialog, a job's
progress and its file) and the import wizard at ``/imports/`` (each list links to its upload page)."""

from django.urls import path

from clientbook.core.web import audit, exports, imports, operations, trash

audit_urls = (
    [
        path("", audit.audit_log, name="event_list"),
        path("export.csv", audit.audit_export, name="export"),
    ],
    "audit",
)

trash_urls = (
    [
        path("", trash.trash_page, name="trash"),
        path("<str:key>/<int:pk>/restore/", trash.trash_restore, name="restore"),
        path("<str:key>/<int:pk>/purge/", trash.trash_purge, name="purge"),
    ],
    "trash",
)

operation_urls = (
    [
        path("<uuid:operation_id>/", operations.operation_detail, name="operation_detail"),
        path("<uuid:operation_id>/undo/", operations.operation_undo, name="operation_undo"),
    ],
    "operations",
)

export_urls = (
    [
        path("jobs/<int:pk>/", exports.export_job, name="job"),
        path("jobs/<int:pk>/file", exports.export_file, name="file"),
        path("<slug:list_key>/", exports.export_dialog, name="dialog"),
    ],
    "exports",
)

import_urls = (
    [
        path("<int:pk>/", imports.import_job, name="job"),
        path("<int:pk>/progress/", imports.import_progress, name="progress"),
        path("<int:pk>/run/", imports.import_run, name="run"),
        path("<int:pk>/cancel/", imports.import_cancel, name="cancel"),
        path("<int:pk>/undo/", imports.import_undo, name="undo"),
        path("<int:pk>/errors.csv", imports.import_errors, name="errors"),
        path("<slug:model_key>/", imports.import_upload, name="upload"),
        path("<slug:model_key>/template.<str:extension>", imports.import_template, name="template"),
    ],
    "imports",
)
