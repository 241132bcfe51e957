// An import's error log: every row that was not invited (skipped with its reason, or an error),
// in file order. Read in windows of row numbers, so each statement stays short however rare the
// problem rows are in a million-row file.
import { and, asc, eq, gt, isNotNull, lte, max, ne } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { importRows } from "../db/schema.js";
import type { ProblemRow } from "./imports.js";
import { yieldToEventLoop } from "../event-loop.js";

const WINDOW = 5000;

/** Pages of problem rows; the caller has checked that the import belongs to the organization. */
export async function* readErrorLog(db: Db, orgId: string, importId: string): AsyncGenerator<ProblemRow[]> {
  const [bounds] = await db
    .select({ last: max(importRows.rowNumber) })
    .from(importRows)
    .where(eq(importRows.importId, importId));
  const last = bounds?.last ?? 0;
  for (let after = 0; after < last; after += WINDOW) {
    const page = await db
      .select({
        rowNumber: importRows.rowNumber,
        value: importRows.value,
        outcome: importRows.outcome,
        code: importRows.code,
        message: importRows.message,
        suggestion: importRows.suggestion,
      })
      .from(importRows)
      .where(
        and(
          eq(importRows.importId, importId),
          eq(importRows.orgId, orgId),
          gt(importRows.rowNumber, after),
          lte(importRows.rowNumber, after + WINDOW),
          isNotNull(importRows.outcome),
          ne(importRows.outcome, "ready"),
        ),
      )
      .orderBy(asc(importRows.rowNumber));
    if (page.length > 0) yield page;
    await yieldToEventLoop();
  }
}
