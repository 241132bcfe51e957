// Bulk upload: reading an import's state for the pages, and the two requests an admin makes of a
// validated import (Send Invite, Use suggestions). Uploading is import-upload.ts; the background
// phases are import-validation.ts and import-send.ts; the error log is error-log.ts.
import { and, desc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { preparedQuery } from "../db/prepared.js";
import { importRows, imports, type ImportJobStatus } from "../db/schema.js";
import type { Actor } from "./actor.js";
import type { UploadDetection } from "./upload-read.js";
import { UPLOAD_OWNER } from "./import-upload.js";

export { createImport } from "./import-upload.js";

export type ImportView = {
  id: string;
  fileName: string;
  size: number;
  status: ImportJobStatus;
  detected: UploadDetection | null;
  total: number;
  processed: number;
  readyCount: number;
  skippedCount: number;
  errorCount: number;
  sentCount: number;
  suggestionCount: number;
  failureMessage: string | null;
  sendRequested: boolean;
  suggestionsRequested: boolean;
  /** While sending: how far through the file (row number) and the last row number. */
  sendPosition: { at: number; last: number } | null;
  createdAt: Date;
  finishedAt: Date | null;
};

export const isRunning = (status: ImportJobStatus) => status === "queued" || status === "validating" || status === "sending";

const columns = {
  id: imports.id,
  fileName: imports.fileName,
  size: imports.size,
  status: imports.status,
  detected: imports.detected,
  total: imports.total,
  processed: imports.processed,
  readyCount: imports.readyCount,
  skippedCount: imports.skippedCount,
  errorCount: imports.errorCount,
  sentCount: imports.sentCount,
  suggestionCount: imports.suggestionCount,
  failureMessage: imports.failureMessage,
  sendRequestedAt: imports.sendRequestedAt,
  suggestionsRequestedAt: imports.suggestionsRequestedAt,
  cursorRow: imports.cursorRow,
  createdAt: imports.createdAt,
  finishedAt: imports.finishedAt,
};
type Row = Pick<typeof imports.$inferSelect, keyof typeof columns>;

function toView(row: Row, last: number | null): ImportView {
  const { sendRequestedAt, suggestionsRequestedAt, cursorRow, detected, ...rest } = row;
  return {
    ...rest,
    detected: (detected as UploadDetection | null) ?? null,
    sendRequested: sendRequestedAt !== null,
    suggestionsRequested: suggestionsRequestedAt !== null,
    sendPosition: row.status === "sending" && last !== null ? { at: Math.min(cursorRow, last), last } : null,
  };
}

/** An import of the organization (an id from another organization is not found), with its upload finished. */
export async function getImport(db: Db, orgId: string, importId: string): Promise<ImportView | null> {
  const [row] = await db
    .select(columns)
    .from(imports)
    .where(and(eq(imports.id, importId), eq(imports.orgId, orgId), or(isNull(imports.lockedBy), ne(imports.lockedBy, UPLOAD_OWNER))));
  if (!row) return null;
  let last: number | null = null;
  if (row.status === "sending") {
    const [max] = await db
      .select({ last: sql<number>`max(${importRows.rowNumber})` })
      .from(importRows)
      .where(eq(importRows.importId, importId));
    last = max?.last ?? 0;
  }
  return toView(row, last);
}

/** The latest imports for the Users page. */
export async function listRecentImports(db: Db, orgId: string, limit = 5): Promise<ImportView[]> {
  const rows = await preparedQuery(db, "recent-imports", () =>
    db
      .select(columns)
      .from(imports)
      .where(and(eq(imports.orgId, sql.placeholder("org")), or(isNull(imports.lockedBy), ne(imports.lockedBy, UPLOAD_OWNER))))
      .orderBy(desc(imports.createdAt))
      .limit(sql.placeholder("limit"))
      .prepare(),
  ).all({ org: orgId, limit });
  return rows.map((row) => toView(row, null));
}

export const IMPORTS_PAGE_SIZE = 50;

/** Keyset cursor of the uploads list: the last upload's (created at, id), base64url. Anything else is not one. */
export function decodeImportsCursor(value: string): [number, string] | null {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === "string") return [parsed[0], parsed[1]];
  } catch {
    // not JSON: not a cursor
  }
  return null;
}

/** Every upload of the organization, newest first, a page at a time (keyset on created at, id). */
export async function listImports(db: Db, orgId: string, before?: string): Promise<{ imports: ImportView[]; next: string | null }> {
  const cursor = before ? decodeImportsCursor(before) : null;
  const rows = await db
    .select(columns)
    .from(imports)
    .where(
      and(
        eq(imports.orgId, orgId),
        or(isNull(imports.lockedBy), ne(imports.lockedBy, UPLOAD_OWNER)),
        cursor ? sql`(${imports.createdAt}, ${imports.id}) < (${cursor[0]}, ${cursor[1]})` : undefined,
      ),
    )
    .orderBy(desc(imports.createdAt), desc(imports.id))
    .limit(IMPORTS_PAGE_SIZE + 1);
  const page = rows.slice(0, IMPORTS_PAGE_SIZE);
  const last = page.at(-1);
  const next = rows.length > IMPORTS_PAGE_SIZE && last ? Buffer.from(JSON.stringify([last.createdAt.getTime(), last.id])).toString("base64url") : null;
  return { imports: page.map((row) => toView(row, null)), next };
}

export type ProblemRow = { rowNumber: number; value: string; outcome: string | null; code: string | null; message: string | null; suggestion: string | null };

export type ImportRequestResult = { ok: true; started: boolean } | { ok: false; reason: "not_found" | "not_ready" | "nothing_to_send" };

/**
 * Send Invite (`what` = "ready") or Use suggestions (`what` = "suggestions"): marks the import
 * `sending` in one conditional UPDATE. Asking twice starts nothing new (`started: false`).
 * Send Invite needs rows still ready to invite (people invited through suggestions are not).
 */
export async function requestImportSend(db: Db, actor: Actor, importId: string, what: "ready" | "suggestions"): Promise<ImportRequestResult> {
  return db.write(async (tx) => {
    const [found] = await tx
      .select({ status: imports.status })
      .from(imports)
      .where(and(eq(imports.id, importId), eq(imports.orgId, actor.orgId), or(isNull(imports.lockedBy), ne(imports.lockedBy, UPLOAD_OWNER))));
    if (!found) return { ok: false, reason: "not_found" } as const;
    if (found.status === "queued" || found.status === "validating" || found.status === "failed") return { ok: false, reason: "not_ready" } as const;
    const requested = what === "ready" ? imports.sendRequestedAt : imports.suggestionsRequestedAt;
    const now = new Date();
    // The cursor restarts so a send already under way also picks up the rows this request adds.
    const updated = await tx
      .update(imports)
      .set(
        what === "ready"
          ? { status: "sending", sendRequestedAt: now, sendRequestedBy: actor.personId, cursorRow: 0, finishedAt: null }
          : { status: "sending", suggestionsRequestedAt: now, suggestionsRequestedBy: actor.personId, cursorRow: 0, finishedAt: null },
      )
      .where(
        and(
          eq(imports.id, importId),
          eq(imports.orgId, actor.orgId),
          isNull(requested),
          what === "ready" ? sql`${imports.readyCount} > 0` : sql`${imports.suggestionCount} > 0`,
        ),
      )
      .returning({ id: imports.id });
    if (updated.length === 0) {
      const already = (await tx.select({ at: requested }).from(imports).where(eq(imports.id, importId)))[0]?.at;
      return already ? ({ ok: true, started: false } as const) : ({ ok: false, reason: "nothing_to_send" } as const);
    }
    // Logged when carried out (import-send.ts), with the number of people it invited.
    return { ok: true, started: true } as const;
  });
}
