"""The model kit: one ``ModelSpec`` per model yields its list, detail, forms, writes, audit, trash,
import, export, navigation entry and permissions (docs/architecture.md, "The model kit")."""
