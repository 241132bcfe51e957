// Starting an import: read the uploaded file (upload-read.ts: CSV or an Excel workbook), store its rows as given, queue the
// validation job. The uploader holds the import's lease (locked_by = "upload") while it stores
// rows, so no worker validates a half-stored file; if storing fails the import is deleted, and
// one whose uploader died is swept away when its lease expires (sweepAbandonedUploads).
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { deleteImportRows, insertImportRows } from "../db/statements/import-rows.js";
import { imports } from "../db/schema.js";
import { newId } from "../ids.js";
import type { Actor } from "./actor.js";
import { ADDRESS_MAX_LENGTH, cleanAddressValue, isValidAddressFormat, normalizeAddress } from "./addresses.js";
import { auditActor, recordAudit } from "./audit.js";
import type { CsvLimits, CsvRefusalCode } from "./csv.js";
import { readUpload, type UploadDetection } from "./upload-read.js";
import { yieldToEventLoop } from "../event-loop.js";

export const UPLOAD_OWNER = "upload";
const UPLOAD_LEASE_MS = 10 * 60_000;
const STORE_BATCH = 500;

/** The upload; createImport empties `bytes` once its rows are read (see there). */
export type CreateImportInput = { fileName: string; bytes: Uint8Array };
export type CreateImportResult =
  | { ok: true; importId: string; detection: UploadDetection }
  | { ok: false; code: CsvRefusalCode | "not_stored"; message: string };

/** The name shown for a file: no folders (some browsers send them), no control characters, 200 characters at most. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a file name loses.
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 200);
  return cleaned || "upload.csv";
}

/**
 * The key rows are compared by (duplicates, directory): the cleaned, normalized address, or null
 * when it is not one. Checked in its normal form, so an NFD or zero-width-laced copy of an address
 * is the address; a cell too long to be an address is refused before any pattern sees it.
 */
export function addressKey(value: string): string | null {
  const cleaned = cleanAddressValue(value);
  if (cleaned.length > ADDRESS_MAX_LENGTH) return null;
  const norm = normalizeAddress(cleaned);
  return norm && isValidAddressFormat(norm) ? norm : null;
}

/**
 * Reads the file and stores its rows; a refusal creates nothing. Once read, the file's bytes are
 * let go (`input.bytes` is emptied), so a caller holding `input` does not keep them while the
 * rows are stored: 35 MB for a 1,000,000-row CSV, a few seconds.
 */
export async function createImport(db: Db, actor: Actor, input: CreateImportInput, limits: CsvLimits): Promise<CreateImportResult> {
  const size = input.bytes.length;
  const read = await readUpload(input.bytes, limits);
  input.bytes = new Uint8Array(0);
  if (!read.ok) return read;
  const id = newId();
  const fileName = cleanFileName(input.fileName);
  await db.write((tx) =>
    tx.insert(imports).values({
      id,
      orgId: actor.orgId,
      createdBy: actor.personId,
      fileName,
      size,
      status: "queued",
      detected: read.detection,
      total: read.detection.totalRows,
      lockedBy: UPLOAD_OWNER,
      lockedUntil: new Date(Date.now() + UPLOAD_LEASE_MS),
    }),
  );
  try {
    for await (const batch of read.rows(STORE_BATCH)) {
      const rows = batch.map((row) => [row.rowNumber, row.value, addressKey(row.value)] as [number, string, string | null]);
      await db.write((tx) => insertImportRows(tx, id, actor.orgId, rows));
    }
    await db.write(async (tx) => {
      await tx
        .update(imports)
        .set({ lockedBy: null, lockedUntil: null })
        .where(and(eq(imports.id, id), eq(imports.lockedBy, UPLOAD_OWNER)));
      await recordAudit(tx, {
        orgId: actor.orgId,
        ...auditActor(actor),
        action: "import.upload",
        subject: fileName,
        detail: { importId: id, rows: read.detection.totalRows, size },
      });
    });
  } catch (error) {
    await deleteImport(db, actor.orgId, id).catch(() => undefined);
    return { ok: false, code: "not_stored", message: `The file could not be saved (${(error as Error).message}). Nothing was imported; upload it again.` };
  }
  return { ok: true, importId: id, detection: read.detection };
}

/** Deletes an import and its rows, a few thousand rows a statement. */
export async function deleteImport(db: Db, orgId: string, importId: string): Promise<void> {
  for (;;) {
    if ((await db.write((tx) => deleteImportRows(tx, importId, orgId, 5000))) === 0) break;
    await yieldToEventLoop();
  }
  await db.write((tx) => tx.delete(imports).where(and(eq(imports.id, importId), eq(imports.orgId, orgId))));
}

/** Imports whose uploader died while storing rows (the upload lease expired): deleted, never validated. */
export async function sweepAbandonedUploads(db: Db, now = Date.now()): Promise<number> {
  const abandoned = await db
    .select({ id: imports.id, orgId: imports.orgId })
    .from(imports)
    .where(and(eq(imports.status, "queued"), eq(imports.lockedBy, UPLOAD_OWNER), lt(imports.lockedUntil, new Date(now))));
  for (const found of abandoned) await deleteImport(db, found.orgId, found.id);
  return abandoned.length;
}
