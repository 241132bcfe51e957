// The roster export: every member the Users list shows for a status and a search, walked with
// the list's own query and keyset pages (members.ts), a page of 500 at a time. Each page is one
// short indexed query and the event loop gets a turn between pages, so exporting 200,000
// members never blocks other requests, and the caller pulls the next page only when it has
// written the last (a slow download holds back the reading instead of filling memory).
import type { Db } from "../db/client.js";
import type { MemberStatus } from "../db/schema.js";
import { yieldToEventLoop } from "../event-loop.js";
import { listMembers, type MemberRow } from "./members.js";

export const ROSTER_PAGE_SIZE = 500;

export async function* walkMembers(
  db: Db,
  orgId: string,
  filter: { status?: MemberStatus | undefined; q?: string },
  pageSize = ROSTER_PAGE_SIZE,
): AsyncGenerator<MemberRow[]> {
  let after: string | undefined;
  for (;;) {
    const page = await listMembers(
      db,
      orgId,
      { ...(filter.status ? { status: filter.status } : {}), q: filter.q ?? "", ...(after ? { after } : {}) },
      pageSize,
    );
    if (page.rows.length > 0) yield page.rows;
    if (!page.next) return;
    after = page.next;
    await yieldToEventLoop();
  }
}
