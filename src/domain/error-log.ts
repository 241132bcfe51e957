// An import's error log: every row that was not invited (skipped with its reason, or an error),
// in file order, read a page at a time so a million-row file streams in small statements.
import { and, asc, eq, gt, isNotNull, ne } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { importRows } from "../db/schema.js";
import type { ProblemRow } from "./imports.js";

const PAGE = 1000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Pages of problem rows; the caller has checked that the import belongs to the organization. */
export async function* readErrorLog(db: Db, orgId: string, importId: string): AsyncGenerator<ProblemRow[]> {
  let after = 0;
  for (;;) {
    const page = await db
      .select({ rowNumber: importRows.rowNumber, value: importRows.value, outcome: importRows.outcome, code: importRows.code, message: importRows.message, suggestion: importRows.suggestion })
      .from(importRows)
      .where(and(
        eq(importRows.importId, importId), eq(importRows.orgId, orgId), gt(importRows.rowNumber, after),
        isNotNull(importRows.outcome), ne(importRows.outcome, "ready"),
      ))
      .orderBy(asc(importRows.rowNumber))
      .limit(PAGE);
    if (page.length === 0) return;
    yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.rowNumber;
    await yieldToEventLoop();
  }
}
