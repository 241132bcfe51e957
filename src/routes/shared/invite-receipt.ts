// What a plain Invite form post did, carried across its 303 (post/redirect/get) to the page that
// shows it: who was invited and who was not, and why. A short-lived cookie (HttpOnly, path
// /invitations, 10 minutes) holds it, so a refresh shows the result again without inviting
// again, and any server process can show it. It names the admin it belongs to and is shown to
// no one else; it is only ever displayed (escaped), never acted on.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../context.js";
import { inviteMessages, type InviteOutcome, type InviteResult } from "../../domain/invitations.js";

const NAME = "invite_result";
const PATH = "/invitations";
const RESULTS = Object.keys(inviteMessages) as InviteResult[];
/** Browsers drop a cookie past 4 KB: the outcomes listed stop here, the rest are counted. */
const MAX_JSON = 2800;

export type InviteReceipt = { invited: number; outcomes: InviteOutcome[]; omitted: number };

export function writeInviteReceipt(c: Context<AppEnv>, result: { invited: number; outcomes: InviteOutcome[] }): void {
  const listed: ([string, number] | [string, number, string])[] = [];
  let size = 100;
  for (const o of result.outcomes) {
    // A second address of one person names the first, so the page lists the person once.
    const entry: [string, number] | [string, number, string] = o.samePersonAs === undefined
      ? [o.email.slice(0, 320), RESULTS.indexOf(o.result)] : [o.email.slice(0, 320), RESULTS.indexOf(o.result), o.samePersonAs.slice(0, 320)];
    size += JSON.stringify(entry).length + 1;
    if (size > MAX_JSON) break;
    listed.push(entry);
  }
  const value = { p: c.get("session")!.person.id, n: result.invited, o: listed, m: result.outcomes.length - listed.length };
  setCookie(c, NAME, Buffer.from(JSON.stringify(value)).toString("base64url"), {
    httpOnly: true, sameSite: "Lax", path: PATH, maxAge: 600, secure: c.get("deps").config.publicUrl.startsWith("https:"),
  });
}

/** The receipt this admin's last plain Invite left, or null (none, expired, someone else's, not ours). */
export function readInviteReceipt(c: Context<AppEnv>): InviteReceipt | null {
  const raw = getCookie(c, NAME);
  if (!raw || raw.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { p?: unknown; n?: unknown; o?: unknown; m?: unknown };
    if (value.p !== c.get("session")!.person.id || !Number.isSafeInteger(value.n) || !Number.isSafeInteger(value.m) || !Array.isArray(value.o)) return null;
    const outcomes: InviteOutcome[] = [];
    for (const entry of value.o as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !RESULTS[entry[1] as number]) return null;
      if (entry[2] !== undefined && typeof entry[2] !== "string") return null;
      const result = RESULTS[entry[1] as number]!;
      outcomes.push({ email: entry[0], personId: null, memberId: null, result, message: inviteMessages[result], ...(entry[2] !== undefined ? { samePersonAs: entry[2] as string } : {}) });
    }
    return { invited: value.n as number, outcomes, omitted: value.m as number };
  } catch {
    return null;
  }
}
