// How many members each status tab of the Users page counts: of everyone (members.ts), or of
// the members a search finds (member-search.ts).
import type { MemberStatus } from "../db/schema.js";

export type MemberCounts = Record<MemberStatus | "all", number> & {
  /** A search's counts stop at a limit (member-search.ts): these are "at least". */
  atLeast?: Partial<Record<MemberStatus | "all", true>>;
};
