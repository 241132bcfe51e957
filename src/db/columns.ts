// Selecting a table's columns by name: `db.select(pickColumns(t, ["id", "name"]))` reads rows
// with exactly those keys, each typed as its column, without restating `id: t.id` per column.
import { getTableColumns, type Table } from "drizzle-orm";

export function pickColumns<T extends Table, K extends keyof T["_"]["columns"] & string>(table: T, names: readonly K[]): Pick<T["_"]["columns"], K> {
  const columns = getTableColumns(table);
  return Object.fromEntries(names.map((name) => [name, columns[name]])) as Pick<T["_"]["columns"], K>;
}
