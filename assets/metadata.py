"""What the Dagster UI shows for a table asset: row count, column schema, a preview of rows."""

from __future__ import annotations

import dagster as dg
import pyarrow as pa

from caravan.store.tables import Table


def column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(c.name, c.type.lower(), description=c.description,
                       constraints=dg.TableColumnConstraints(nullable=not c.required, unique=c.name == table.primary_key))
        for c in table.columns
    ])


def table_metadata(table: Table, data: pa.Table, preview_columns: tuple[str, ...] = (), preview_rows: int = 5) -> dict:
    meta = {
        "dagster/row_count": data.num_rows,
        "dagster/column_schema": column_schema(table),
        "dagster/table_name": table.name,
    }
    if preview_columns and data.num_rows:
        meta["preview"] = dg.MetadataValue.md(_markdown(data.select(list(preview_columns)).slice(0, preview_rows)))
    return meta


def stored_table_metadata(con, table: Table, preview_columns: tuple[str, ...] = (), preview_rows: int = 5) -> dict:
    """``table_metadata`` of a warehouse table, read in SQL: its row count and first rows, never the whole table."""
    head = con.sql(f'SELECT * FROM "{table.name}" ORDER BY {table.order_by()} LIMIT {int(preview_rows)}').to_arrow_table()
    meta = table_metadata(table, head, preview_columns, preview_rows)
    meta["dagster/row_count"] = con.sql(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
    return meta


def _markdown(data: pa.Table) -> str:
    def cell(v) -> str:
        text = "" if v is None else str(v)
        text = text if len(text) <= 80 else text[:77] + "..."
        return text.replace("|", "\\|").replace("\n", " ")
    head = "| " + " | ".join(data.column_names) + " |\n| " + " | ".join("---" for _ in data.column_names) + " |\n"
    return head + "".join("| " + " | ".join(cell(row[c]) for c in data.column_names) + " |\n" for row in data.to_pylist())
