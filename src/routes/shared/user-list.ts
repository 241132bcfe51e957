// Which Users list an action came from (status filter, search, page), so its answer goes back to
// it: htmx says so in HX-Current-URL; a plain form carries it in its `list` field
// ("status=invited&q=garcia&after=…", see listQuery). Only values the list accepts are kept.
import type { Context } from "hono";
import type { AppEnv } from "../../context.js";
import { decodeCursor, isMemberStatus } from "../../domain/members.js";
import type { MemberStatus } from "../../db/schema.js";

/** What is wrong with the list's query (the Users page and its CSV export), or undefined. */
export function listQueryProblem(status: string | undefined, q: string, after?: string): string | undefined {
  return status !== undefined && !isMemberStatus(status)
    ? "The status filter must be invited, active or archived."
    : q.length > 200
      ? "Search text is limited to 200 characters."
      : after !== undefined && !decodeCursor(after)
        ? "This page link is not valid any more. Start again from the first page."
        : undefined;
}

export type ListState = { status: MemberStatus | undefined; q: string; after: string | undefined };

export function listFromParams(params: URLSearchParams): ListState {
  const status = params.get("status");
  const after = params.get("after") || undefined;
  return {
    status: isMemberStatus(status) ? status : undefined,
    q: (params.get("q") ?? "").slice(0, 200),
    after: after && decodeCursor(after) ? after : undefined,
  };
}

/** The `list` field of a plain form post (or query); anything else is the first page of everyone. */
export function listFromField(value: unknown): ListState {
  return listFromParams(new URLSearchParams(typeof value === "string" && value.length <= 2000 ? value : ""));
}

/** The list the admin is looking at, from htmx's HX-Current-URL. */
export function currentListOf(c: Context<AppEnv>): ListState & { onUsersPage: boolean } {
  try {
    const url = new URL(c.req.header("HX-Current-URL") ?? "");
    return { ...listFromParams(url.searchParams), onUsersPage: url.pathname === "/users" };
  } catch {
    return { status: undefined, q: "", after: undefined, onUsersPage: false };
  }
}
