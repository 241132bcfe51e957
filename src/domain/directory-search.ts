// The Invite User type-ahead: people in the organization's directory whose email, user principal
// name, given name, surname or display name starts with what the admin typed (the statement:
// src/db/statements/directory-search.ts).
import type { Db } from "../db/client.js";
import type { MemberStatus } from "../db/schema.js";
import { searchDirectoryPeople } from "../db/statements/directory-search.js";
import { normalizeAddress } from "./addresses.js";
import { searchGroups, type GroupMatch } from "./group-search.js";

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 100;
export const SEARCH_LIMIT = 10;

export type DirectoryMatch = {
  personId: string;
  name: string;
  email: string;
  jobTitle: string | null;
  accountEnabled: boolean;
  /** The member's status when the person was already invited, joined or archived. */
  memberStatus: MemberStatus | null;
};

export type DirectorySearch = { ok: true; q: string; matches: DirectoryMatch[]; groups: GroupMatch[] } | { ok: false; q: string; message: string };

/** Checks the typed text: at least 2 characters after trimming, at most 100. */
export function checkSearchText(raw: string): { ok: true; q: string } | { ok: false; q: string; message: string } {
  const q = normalizeAddress(raw);
  if (q.length < SEARCH_MIN_LENGTH) return { ok: false, q, message: `Type at least ${SEARCH_MIN_LENGTH} letters of a name or email address.` };
  if (q.length > SEARCH_MAX_LENGTH) return { ok: false, q, message: `Search text is limited to ${SEARCH_MAX_LENGTH} characters.` };
  return { ok: true, q };
}

export async function searchDirectory(db: Db, orgId: string, raw: string, limit = SEARCH_LIMIT): Promise<DirectorySearch> {
  const checked = checkSearchText(raw);
  if (!checked.ok) return checked;
  const q = checked.q;
  const rows = await searchDirectoryPeople(db, orgId, q, limit);
  return {
    ok: true,
    q,
    groups: await searchGroups(db, orgId, q),
    matches: rows.map((r) => ({
      personId: r.id,
      name: r.display_name,
      email: r.mail ?? r.upn ?? "",
      jobTitle: r.job_title,
      accountEnabled: Boolean(r.account_enabled),
      memberStatus: r.status,
    })),
  };
}
