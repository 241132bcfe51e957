// Validating an import, a chunk at a time in row order. One statement reads a chunk of stored
// rows together with each row's directory person (by mail, else by UPN, ignoring case: both sides
// are normalized) and membership; duplicates are found with maps of the addresses and people
// seen so far (rebuilt from the finished rows after a restart); another batch writes every row's
// verdict with the import's counts and cursor in ONE transaction, so the counts always match the
// rows and a process killed between chunks resumes at the cursor.
import type { Db } from "../db/client.js";
import { chunkStatement, finishValidation, parseChunk, readImportChunk, writeChunkVerdicts } from "../db/statements/import-validation.js";
import type { RowVerdict } from "./import-messages.js";
import { judgeRows, rebuildFirstRows, type StoredRow } from "./import-row-verdicts.js";
import type { FoundRow, ValidationContext, ValidationJob } from "./import-validation-context.js";

/**
 * Validates the next chunk after the job's cursor: "more" when it wrote one, "done" when none
 * was left (the import is then ready and released), "lost" when another worker holds the lease.
 */
export async function validateImportChunk(
  db: Db,
  job: ValidationJob,
  owner: string,
  context: ValidationContext,
  options: { chunkSize: number; leaseMs: number },
): Promise<"more" | "done" | "lost"> {
  if (!context.firstByAddress) await rebuildFirstRows(db, job, context);
  const found = await readChunk(db, job, context, options.chunkSize);
  const now = Date.now();
  if (found.length === 0) {
    return (await db.write((tx) => finishValidation(tx, job.id, owner, now))) ? "done" : "lost";
  }
  const rows: StoredRow[] = found.map((r) => ({
    rowNumber: r[0],
    value: r[1],
    emailNorm: r[2],
    personId: r[3],
    enabled: r[4] === 1,
    removed: r[5] === 1,
    memberStatus: r[6],
  }));
  try {
    return await recordChunk(db, job, owner, context, rows, now + options.leaseMs);
  } catch (error) {
    // The maps already hold this chunk's rows; rebuild them from what was really recorded.
    context.firstByAddress = undefined;
    throw error;
  }
}

/** The chunk after the cursor: read ahead while the previous one was written, or now. Then starts reading the next. */
async function readChunk(db: Db, job: ValidationJob, context: ValidationContext, size: number): Promise<FoundRow[]> {
  const ahead = context.ahead;
  context.ahead = undefined;
  // Only rows, directory entries and memberships are read, never verdicts: reading ahead of the write is the same read.
  let found = ahead?.after === job.cursorRow ? await ahead.rows : null;
  let asked = ahead?.size ?? size;
  if (!found) {
    asked = size;
    found = await readImportChunk(db, job.id, job.orgId, job.cursorRow, size);
  }
  const readAhead = context.readAhead;
  // A short chunk is the last one.
  if (readAhead && found.length === asked) {
    const after = found[found.length - 1]![0];
    const next = chunkStatement(job.id, job.orgId, after, size);
    context.ahead = {
      after,
      size,
      // A failed read ahead is read again on the event loop.
      rows: readAhead(next.sql, next.args).then(parseChunk, () => null),
    };
  }
  return found;
}

async function recordChunk(db: Db, job: ValidationJob, owner: string, context: ValidationContext, rows: StoredRow[], leaseUntil: number) {
  const verdicts = await judgeRows(db, job, context, rows);
  const last = rows[rows.length - 1]!.rowNumber;
  const count = (test: (v: RowVerdict) => boolean) => verdicts.filter(test).length;
  // Both statements re-check the lease and the cursor inside the transaction: all of the chunk lands, or none.
  const counted = await db.write((tx) =>
    writeChunkVerdicts(tx, {
      importId: job.id,
      owner,
      cursorRow: job.cursorRow,
      lastRow: last,
      leaseUntil,
      verdicts: verdicts.map((v) => [v.rowNumber, v.outcome, v.code, v.message, v.suggestion, v.personId]),
      counts: {
        processed: verdicts.length,
        ready: count((v) => v.outcome === "ready"),
        skipped: count((v) => v.outcome === "skipped"),
        errors: count((v) => v.outcome === "error"),
        suggestions: count((v) => v.code === "possible_typo"),
      },
    }),
  );
  if (!counted) {
    context.firstByAddress = undefined;
    return "lost" as const;
  }
  job.cursorRow = last;
  return "more" as const;
}
