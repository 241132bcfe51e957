// The embedded database's read path: one extra connection of the native `libsql` driver (the one
// @libsql/client wraps) that keeps its prepared statements, for reads outside transactions.
//
// Through the client, every read prepares its statement again, asks the driver for its columns
// twice and builds each row with a defineProperty per value. Here a statement is prepared once
// per SQL text, and a row is the driver's own array of values with each column's name added to
// it: `row.name` and `row[1]` both read, as with the client, and Drizzle copies an array faster
// than the client's row objects. One difference: a row's keys (Object.keys, JSON.stringify) are
// its positions as well as its names; read rows by name or position only.
// A statement that returns no rows is refused (writes go through db.write), and any error is the
// driver's own, thrown to the caller.
import { createRequire } from "node:module";
import type { InStatement, ResultSet, Row } from "@libsql/client";

type NativeStatement = {
  /** True when the statement returns rows. */
  readonly reader: boolean;
  raw(toggle: boolean): NativeStatement;
  columns(): { name: string }[];
  all(args: unknown): unknown[][];
};
type NativeDatabase = { prepare(sql: string): NativeStatement; exec(sql: string): void; close(): void };

const require = createRequire(import.meta.url);
const CACHE_LIMIT = 500;

type Prepared = { stmt: NativeStatement; columns: string[]; makeRow: (values: unknown[]) => Row };

/** A statement given to the read path that returns no rows: a write, or a PRAGMA that sets something. */
export class NotAReadError extends Error {
  constructor(sql: string) {
    super(`Not a read (it returns no rows; writes go through db.write): ${sql.slice(0, 200)}`);
    this.name = "NotAReadError";
  }
}

export type ReadConnection = {
  /** The statement's rows; throws what the driver throws. */
  read(stmt: InStatement): ResultSet;
  /** Forgets the prepared statements: after this process changed the schema, a kept statement
   *  would still name the columns it had when it was prepared. */
  forget(): void;
  close(): void;
};

/** A read connection for an embedded `file:` URL; null for anything else (memory, URL options). */
export function openReadConnection(url: string): ReadConnection | null {
  if (!url.startsWith("file:") || url.includes("?")) return null;
  const Database = require("libsql") as new (path: string) => NativeDatabase;
  const native = new Database(url.slice("file:".length));
  // A write here would skip the write queue (and wait for another process's lock on the event
  // loop): the connection refuses to write at all, an UPDATE … RETURNING included.
  native.exec("PRAGMA query_only = ON");
  const cache = new Map<string, Prepared>();

  const prepare = (sql: string): Prepared => {
    let prepared = cache.get(sql);
    if (prepared !== undefined) {
      // Least recently used goes first: move this one to the end.
      cache.delete(sql);
      cache.set(sql, prepared);
      return prepared;
    }
    const stmt = native.prepare(sql);
    if (!stmt.reader) throw new NotAReadError(sql);
    stmt.raw(true);
    const columns = stmt.columns().map((c) => c.name);
    prepared = { stmt, columns, makeRow: rowMaker(columns) };
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(sql, prepared);
    return prepared;
  };

  return {
    read(input) {
      const sql = typeof input === "string" ? input : input.sql;
      const args = bindable(typeof input === "string" ? undefined : input.args);
      let prepared = prepare(sql);
      let values = prepared.stmt.all(args);
      if (values.length && values[0]!.length !== prepared.columns.length) {
        // The schema changed under it (another process): its columns are not the ones kept.
        cache.delete(sql);
        prepared = prepare(sql);
        values = prepared.stmt.all(args);
      }
      return resultSet(prepared.columns, values.map(prepared.makeRow));
    },
    forget: () => cache.clear(),
    close: () => native.close(),
  };
}

/** The client's argument rules: booleans as 1/0, dates as milliseconds, ArrayBuffers as Buffers. */
function bindable(args: unknown): unknown {
  if (args === undefined || args === null) return [];
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args as Record<string, unknown>)) {
    named[/^[@$:]/.test(key) ? key.slice(1) : key] = toSql(value);
  }
  return named;
}

function toSql(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("not a finite number");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value === undefined) throw new TypeError("undefined cannot be bound");
  return value;
}

/** The driver's array of values, with each column's name added (the first of a repeated name wins). */
function rowMaker(columns: string[]): (values: unknown[]) => Row {
  const named = columns.map((name, i) => [name, i] as const).filter(([name], i) => columns.indexOf(name) === i && name !== "length");
  return (values) => {
    const row = values as unknown[] & Record<string, unknown>;
    for (let i = 0; i < values.length; i++) if (values[i] instanceof Buffer) values[i] = (values[i] as Buffer).buffer; // as the client
    for (const [name, i] of named) row[name] = values[i];
    return row as unknown as Row;
  };
}

function resultSet(columns: string[], rows: Row[]): ResultSet {
  return {
    columns,
    columnTypes: columns.map(() => ""),
    rows,
    rowsAffected: 0,
    lastInsertRowid: undefined,
    toJSON: () => ({ columns, rows: rows.map((r) => Array.prototype.slice.call(r)), rowsAffected: 0, lastInsertRowid: null }),
  };
}
