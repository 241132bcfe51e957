// What a plain Invite form post did, carried across its 303 (post/redirect/get) to the page that
// shows it: who was invited and who was not, and why. A short-lived cookie (HttpOnly, path
// /invitations, 10 minutes) holds it, so a refresh shows the result again without inviting
// again, and any server process can show it. It names the admin it belongs to and is shown to
// no one else; it is only ever displayed (escaped), never acted on.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../context.js";
import { GROUP_KINDS as groupKinds, type GroupInviteReport } from "../../domain/group-invitations.js";
import { inviteMessages, type InviteOutcome, type InviteResultCode } from "../../domain/invitations.js";

const NAME = "invite_result";
const PATH = "/invitations";
const RESULTS = Object.keys(inviteMessages) as InviteResultCode[];
/** Browsers drop a cookie past 4 KB: the outcomes listed stop here, the rest are counted. */
const MAX_JSON = 2800;

export type InviteReceipt = { invited: number; outcomes: InviteOutcome[]; omitted: number; groups: GroupInviteReport[] };

type GroupEntry = [string, number, number, number, [number, number, string[]][]];

export function writeInviteReceipt(c: Context<AppEnv>, result: { invited: number; outcomes: InviteOutcome[]; groups?: GroupInviteReport[] }): void {
  // Groups first: each says how many were invited and skipped; skipped people are named while room lasts.
  const groups: GroupEntry[] = [];
  let size = 100;
  for (const g of result.groups ?? []) {
    const entry: GroupEntry = [
      g.name.slice(0, 100),
      groupKinds.indexOf(g.kind),
      g.invited,
      g.elsewhere,
      g.skipped.map((s) => [RESULTS.indexOf(s.result), s.count, []]),
    ];
    size += JSON.stringify(entry).length + 1;
    if (size > MAX_JSON) break;
    groups.push(entry);
  }
  for (const [n, g] of (result.groups ?? []).slice(0, groups.length).entries()) {
    for (const [k, s] of g.skipped.entries()) {
      for (const email of s.people) {
        size += email.length + 3;
        if (size > MAX_JSON) break;
        groups[n]![4][k]![2].push(email.slice(0, 320));
      }
    }
  }
  const listed: ([string, number] | [string, number, string])[] = [];
  for (const o of result.outcomes) {
    // A second address of one person names the first, so the page lists the person once.
    const entry: [string, number] | [string, number, string] =
      o.samePersonAs === undefined
        ? [o.email.slice(0, 320), RESULTS.indexOf(o.result)]
        : [o.email.slice(0, 320), RESULTS.indexOf(o.result), o.samePersonAs.slice(0, 320)];
    size += JSON.stringify(entry).length + 1;
    if (size > MAX_JSON) break;
    listed.push(entry);
  }
  const value = { p: c.get("session")!.person.id, n: result.invited, o: listed, m: result.outcomes.length - listed.length, g: groups };
  setCookie(c, NAME, Buffer.from(JSON.stringify(value)).toString("base64url"), {
    httpOnly: true,
    sameSite: "Lax",
    path: PATH,
    maxAge: 600,
    secure: c.get("deps").config.publicUrl.startsWith("https:"),
  });
}

/** The receipt this admin's last plain Invite left, or null (none, expired, someone else's, not ours). */
export function readInviteReceipt(c: Context<AppEnv>): InviteReceipt | null {
  const raw = getCookie(c, NAME);
  if (!raw || raw.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { p?: unknown; n?: unknown; o?: unknown; m?: unknown; g?: unknown };
    if (value.p !== c.get("session")!.person.id || !Number.isSafeInteger(value.n) || !Number.isSafeInteger(value.m) || !Array.isArray(value.o)) return null;
    const outcomes: InviteOutcome[] = [];
    for (const entry of value.o as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !RESULTS[entry[1] as number]) return null;
      if (entry[2] !== undefined && typeof entry[2] !== "string") return null;
      const result = RESULTS[entry[1] as number]!;
      outcomes.push({
        email: entry[0],
        personId: null,
        memberId: null,
        result,
        message: inviteMessages[result],
        ...(entry[2] !== undefined ? { samePersonAs: entry[2] as string } : {}),
      });
    }
    const groups = readGroups(value.g);
    if (!groups) return null;
    return { invited: value.n as number, outcomes, omitted: value.m as number, groups };
  } catch {
    return null;
  }
}

/** The groups of a receipt (none in one written before groups existed), or null when malformed. */
function readGroups(raw: unknown): GroupInviteReport[] | null {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return null;
  const groups: GroupInviteReport[] = [];
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  for (const entry of raw as unknown[]) {
    if (
      !Array.isArray(entry) ||
      typeof entry[0] !== "string" ||
      !groupKinds[entry[1] as number] ||
      !count(entry[2]) ||
      !count(entry[3]) ||
      !Array.isArray(entry[4])
    )
      return null;
    const skipped = [];
    for (const s of entry[4] as unknown[]) {
      if (!Array.isArray(s) || !RESULTS[s[0] as number] || !count(s[1]) || !Array.isArray(s[2]) || !s[2].every((e) => typeof e === "string")) return null;
      const result = RESULTS[s[0] as number]!;
      skipped.push({ result, message: inviteMessages[result], count: s[1] as number, people: s[2] as string[] });
    }
    groups.push({ groupId: "", name: entry[0], kind: groupKinds[entry[1] as number]!, invited: entry[2] as number, elsewhere: entry[3] as number, skipped });
  }
  return groups;
}
