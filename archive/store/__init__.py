"""Store: the archive in SQLite.

- ``schema``: tables and migrations, the connection, the writer's lock;
- ``write``: pages written, each in one transaction; sources resumed; jumps linked;
- ``read``: stored pages back as model objects.

Full-text indexing belongs to ``archive.search``.
"""

from .read import StoredPage, load_page
from .schema import (
    BUSY_TIMEOUT_MS, CHILD_TABLES, FAULT_ENV, SCHEMA_VERSION, TABLES, checkpoint, confidence_band, db_directory,
    ensure_schema, issue_id, migrate_for_serving, open_db, prepare_for_publishing, relative_image_path, write_inspect_file, writer_lock,
)
from .write import (
    delete_source, folio, link_jumps, pages_to_do, stored_pages, unchanged, write_page, write_source,
)

__all__ = [
    "BUSY_TIMEOUT_MS", "CHILD_TABLES", "FAULT_ENV", "SCHEMA_VERSION", "TABLES", "StoredPage", "checkpoint",
    "confidence_band", "db_directory", "delete_source", "ensure_schema", "folio", "issue_id", "link_jumps",
    "load_page", "migrate_for_serving", "open_db", "pages_to_do", "prepare_for_publishing", "relative_image_path", "stored_pages",
    "unchanged", "write_inspect_file", "write_page", "write_source", "writer_lock",
]
