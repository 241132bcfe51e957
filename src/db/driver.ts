// The driver under a `Db` or a `Tx`, for the statements in src/db/statements/ (SQL that drizzle
// cannot express cheaply enough), migrate.ts and tests. Nothing above src/db imports this file:
// the domain reaches the driver only through the named statements.
import type { Client, InStatement, ResultSet, Transaction } from "@libsql/client";
import type { Db, Tx } from "./types.js";

type DbDriver = {
  /** A statement that returns rows, outside any transaction (the embedded read connection when there is one). */
  read(stmt: InStatement): Promise<ResultSet>;
  client: Client;
  /** Schema changes, in one transaction in the write queue; then the read connection forgets its statements. */
  migrate(stmts: InStatement[]): Promise<ResultSet[]>;
};
type TxDriver = { transaction: Transaction };

const drivers = new WeakMap<object, DbDriver | TxDriver>();

export function registerDriver(owner: Db | Tx, driver: DbDriver | TxDriver): void {
  drivers.set(owner, driver);
}

function dbDriver(db: Db): DbDriver {
  const driver = drivers.get(db);
  if (!driver || !("read" in driver)) throw new TypeError("Not a database opened by openDatabase");
  return driver;
}

function txDriver(tx: Tx): TxDriver {
  const driver = drivers.get(tx);
  if (!driver || !("transaction" in driver)) throw new TypeError("Not a transaction opened by db.write (a nested transaction has no driver of its own)");
  return driver;
}

/** Runs a statement that reads, outside any transaction. */
export function readStatement(db: Db, stmt: InStatement): Promise<ResultSet> {
  return dbDriver(db).read(stmt);
}

/** Runs a statement in the open write transaction `tx`. */
export function runStatement(tx: Tx, stmt: InStatement): Promise<ResultSet> {
  return txDriver(tx).transaction.execute(stmt);
}

/** Runs statements one after another in the open write transaction `tx`. */
export function runStatements(tx: Tx, stmts: InStatement[]): Promise<ResultSet[]> {
  return txDriver(tx).transaction.batch(stmts);
}

/** The libSQL client itself (tests of its connections). */
export function clientOf(db: Db): Client {
  return dbDriver(db).client;
}

export function migrateStatements(db: Db, stmts: InStatement[]): Promise<ResultSet[]> {
  return dbDriver(db).migrate(stmts);
}
