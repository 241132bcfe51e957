// Why the database named by DATABASE_URL cannot be opened, in one line that says what to do.
// The server's start-up and the command-line tools print it instead of a driver's stack (forty
// lines of fetch internals ending in ECONNREFUSED, or `ConnectionFailed(... 14)`).
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { causeChain, networkFailureOf } from "../error-causes.js";

/** The URL as it may be printed: no query (it can carry authToken) and no user or password. */
export function displayDatabaseUrl(url: string): string {
  if (url.startsWith("file:") || url === ":memory:") return url.split("?")[0]!;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return url.split("?")[0]!;
  }
}

/** The embedded database's file path for a `file:` URL, resolved; null for a server or memory. */
export function databaseFilePath(url: string): string | null {
  return url.startsWith("file:") ? resolve(url.slice("file:".length).split("?")[0]!) : null;
}

const FS_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOTDIR: "part of the path is a file, not a folder",
  EEXIST: "part of the path is a file, not a folder",
  ENOSPC: "the disk is full",
};

/** One line for an error met while opening or migrating the database; null when it is not such an error (a bug: keep its stack). */
export function describeDatabaseError(url: string, error: unknown): string | null {
  const chain = causeChain(error);
  const shown = displayDatabaseUrl(url);
  const file = databaseFilePath(url);
  const codes = chain.map((e) => String((e as { code?: unknown }).code ?? ""));
  const text = chain.map((e) => e.message).join(" | ");

  const network = networkFailureOf(error);
  if (network) return `cannot reach the database at ${shown}: ${network} (is the libSQL server running? check DATABASE_URL)`;
  if (/\bbad port\b/.test(text)) return `cannot reach the database at ${shown}: Node.js refuses to connect to that port; run the libSQL server on another one`;
  const status = /HTTP status (\d{3})/.exec(text)?.[1];
  if (status === "401" || status === "403") return `the database at ${shown} refused the credentials (HTTP ${status}): check DATABASE_AUTH_TOKEN`;
  if (status) return `the database at ${shown} answered HTTP ${status}: check DATABASE_URL (expected a libSQL server such as sqld or Turso)`;
  if (codes.includes("URL_INVALID") || codes.includes("URL_SCHEME_NOT_SUPPORTED") || codes.includes("URL_PARAM_NOT_SUPPORTED")) {
    return `DATABASE_URL=${shown} is invalid: ${chain.at(-1)!.message.split(". For more information")[0]}`;
  }
  const fsCode = codes.find((code) => FS_REASONS[code]);
  if (file && fsCode)
    return `cannot create the database at ${file}: ${FS_REASONS[fsCode]}. Check DATABASE_URL, or let this user write to ${existingFolderOf(file)}`;
  if (codes.includes("SQLITE_NOTADB")) return `${file ?? shown} is not a database file: check DATABASE_URL`;
  if (codes.includes("SQLITE_CORRUPT")) return `the database ${file ?? shown} is damaged (SQLITE_CORRUPT): restore it from a backup`;
  if (codes.includes("SQLITE_READONLY")) return `the database ${file ?? shown} is read-only: the server writes to it and to the -wal and -shm files beside it`;
  if (file && /ConnectionFailed|SQLITE_CANTOPEN|unable to open/i.test(text)) return cannotOpen(file);
  return null;
}

/** The nearest folder above `path` that exists: the one that must be writable to create the rest. */
function existingFolderOf(path: string): string {
  let folder = dirname(path);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

function cannotOpen(file: string): string {
  const folder = dirname(file);
  try {
    if (statSync(file).isDirectory()) return `${file} is a folder, not a database file: set DATABASE_URL=file:${file}/app.db, for example`;
  } catch {
    // does not exist yet: SQLite was creating it
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return `cannot create the database at ${file}: the folder ${folder} is not writable. Check DATABASE_URL, or let this user write there`;
  }
  return `cannot open the database at ${file}: SQLite cannot open or create it there (is the file system read-only?). Check DATABASE_URL`;
}
