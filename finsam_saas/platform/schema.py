"""Rules every table follows, applied as its model is declared (the event below)."""
from __future__ import annotations

from sqlalchemy import Index, Table, event
from sqlalchemy.orm import Mapper


def _leading_columns(key) -> tuple[str, ...]:
    return tuple(column.name for column in key.columns)


def index_foreign_keys(table: Table) -> None:
    """Give every reference an index that leads with its columns, unless a key already does.

    PostgreSQL indexes the referred key, never the referring columns: without this, the §§ of
    one protokoll were found by reading every § of the förbund, and deleting a protokoll read
    them all again to cascade. The index is named after its columns (`ix_paragraphs_tenant_id_minutes_id`).
    """
    keys = [table.primary_key, *table.indexes,
            *(c for c in table.constraints if c.__visit_name__ == "unique_constraint")]
    covered = {_leading_columns(key) for key in keys}
    for reference in table.foreign_key_constraints:
        columns = tuple(reference.column_keys)
        if any(leading[:len(columns)] == columns for leading in covered):
            continue
        Index(f"ix_{table.name}_{'_'.join(columns)}", *(table.c[name] for name in columns))
        covered.add(columns)


@event.listens_for(Mapper, "after_mapper_constructed")
def _index_references_of(mapper, cls) -> None:
    if isinstance(mapper.local_table, Table):
        index_foreign_keys(mapper.local_table)
