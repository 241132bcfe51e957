// Inviting people from the organization's directory: the Invite User dialog and the bulk upload
// both call inviteMembers. One write transaction per call (the bulk upload sends chunks of ~200):
// the lock is taken up front and every status is read again inside it, so a double-submitted
// Invite creates one invitation; the unique (org, email_norm) index backs that up.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople, invitations, members } from "../db/schema.js";
import { newId, newToken, sha256Hex } from "../ids.js";
import type { Actor } from "./actor.js";
import { normalizeAddress } from "./addresses.js";
import { recordAudits, type AuditInput, type Tx } from "./audit.js";
import { invitationMailer, loadInvitationMailContext } from "./member-mail.js";
import { enqueueMails, invitationMailKey, type NewMail } from "./outbox.js";
import { runWriteTransaction } from "./write-transaction.js";

export type InviteResult = "invited" | "reinvited" | "already_invited" | "already_active" | "not_in_directory" | "account_disabled" | "left_directory";
export type InviteOutcome = { email: string; personId: string | null; memberId: string | null; result: InviteResult; message: string };
export type InviteInput = { emails?: string[]; personIds?: string[]; source?: { importId: string } };

export const inviteMessages: Record<InviteResult, string> = {
  invited: "Invited.",
  reinvited: "Invited again.",
  already_invited: "Already invited: use Resend invitation to send the email again.",
  already_active: "Already a member.",
  not_in_directory: "Not found in your organization's directory.",
  account_disabled: "The directory account is disabled.",
  left_directory: "Left the directory.",
};

type Person = typeof directoryPeople.$inferSelect;
type Member = { id: string; personId: string | null; emailNorm: string; status: "invited" | "active" | "archived" };
type Request = { email: string; norm: string | null; personId: string | null };

const CHUNK = 200;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));
const addressOf = (p: Person) => ({ email: p.mail ?? p.userPrincipalName ?? "", norm: p.mailNorm ?? p.upnNorm ?? "" });

export async function inviteMembers(db: Db, actor: Actor, input: InviteInput, deps: { publicUrl: string }): Promise<{ invited: number; outcomes: InviteOutcome[] }> {
  const requests: Request[] = [
    ...(input.emails ?? []).map((e) => ({ email: e.trim(), norm: normalizeAddress(e), personId: null })).filter((r) => r.norm),
    ...[...new Set(input.personIds ?? [])].map((id) => ({ email: "", norm: null, personId: id })),
  ];
  if (requests.length === 0) return { invited: 0, outcomes: [] };
  return runWriteTransaction(db, (tx) => inviteInTransaction(tx, actor, requests, input.source, deps.publicUrl));
}

async function inviteInTransaction(tx: Tx, actor: Actor, requests: Request[], source: InviteInput["source"], publicUrl: string) {
  const { byNorm, byId } = await loadPeople(tx, actor.orgId, requests);
  const found = [...byId.values()];
  const { byPerson, byEmail } = await loadMembers(tx, actor.orgId, found);
  const now = new Date();
  const created: (typeof members.$inferInsert)[] = [];
  const revived: Member[] = [];
  const newInvitations: { id: string; memberId: string; token: string; person: Person; action: "member.invite" | "member.reinvite" }[] = [];
  const handled = new Map<string, InviteOutcome>();

  const outcomes = requests.map((request): InviteOutcome => {
    const person = request.personId ? byId.get(request.personId) : byNorm.get(request.norm!);
    const email = request.email || (person ? addressOf(person).email : "");
    const outcome = (result: InviteResult, memberId: string | null = null): InviteOutcome =>
      ({ email, personId: person?.id ?? null, memberId, result, message: inviteMessages[result] });
    if (!person) return outcome("not_in_directory");
    const earlier = handled.get(person.id);
    if (earlier) return { ...earlier, email };
    const decide = (): InviteOutcome => {
      if (person.removedAt) return outcome("left_directory");
      if (!person.accountEnabled) return outcome("account_disabled");
      const address = addressOf(person);
      const member = byPerson.get(person.id) ?? byEmail.get(address.norm);
      if (member?.status === "active") return outcome("already_active", member.id);
      if (member?.status === "invited") return outcome("already_invited", member.id);
      let memberId: string;
      if (member) {
        memberId = member.id;
        revived.push(member);
      } else {
        memberId = newId();
        created.push({ id: memberId, orgId: actor.orgId, personId: person.id, email: address.email, emailNorm: address.norm,
          name: person.displayName, sortName: person.displayNorm, status: "invited", invitedAt: now, invitedBy: actor.personId, updatedAt: now });
        // A second person with the same address in this batch finds this member.
        byEmail.set(address.norm, { id: memberId, personId: person.id, emailNorm: address.norm, status: "invited" });
        byPerson.set(person.id, byEmail.get(address.norm)!);
      }
      newInvitations.push({ id: newId(), memberId, token: newToken(), person, action: member ? "member.reinvite" : "member.invite" });
      return outcome(member ? "reinvited" : "invited", memberId);
    };
    const decided = decide();
    handled.set(person.id, decided);
    return decided;
  });

  if (newInvitations.length > 0) {
    for (const part of chunks(created)) await tx.insert(members).values(part);
    for (const part of chunks(revived.map((m) => m.id))) {
      await tx.update(members)
        .set({ status: "invited", invitedAt: now, invitedBy: actor.personId, activatedAt: null, archivedAt: null, archivedBy: null, updatedAt: now })
        .where(and(eq(members.orgId, actor.orgId), inArray(members.id, part), eq(members.status, "archived")));
      // Archiving revoked these already; a link must never outlive its member's archival.
      await tx.update(invitations).set({ revokedAt: now })
        .where(and(inArray(invitations.memberId, part), isNull(invitations.revokedAt), isNull(invitations.acceptedAt)));
    }
    for (const part of chunks(newInvitations)) {
      await tx.insert(invitations).values(part.map((i) => ({
        id: i.id, orgId: actor.orgId, memberId: i.memberId, tokenHash: sha256Hex(i.token), invitedBy: actor.personId,
        sentCount: 1, lastSentAt: now, deliveryStatus: "queued" as const, createdAt: now,
      })));
    }
    const render = invitationMailer(await loadInvitationMailContext(tx, actor.orgId, actor.name));
    const mails: NewMail[] = newInvitations.map((i) => ({
      orgId: actor.orgId, kind: "invitation", to: addressOf(i.person).email, invitationId: i.id, idempotencyKey: invitationMailKey(i.id, 1),
      ...render({ joinUrl: `${publicUrl}/join/${i.token}`, recipientName: i.person.displayName }),
    }));
    await enqueueMails(tx, mails);
    await recordAudits(tx, newInvitations.map((i): AuditInput => ({
      orgId: actor.orgId, actorId: actor.personId, action: i.action, memberId: i.memberId, subject: addressOf(i.person).email,
      detail: { personId: i.person.id, invitationId: i.id, name: i.person.displayName, ...(source ? { importId: source.importId } : {}) },
    })));
  }
  return { invited: newInvitations.length, outcomes };
}

/** The people named by address (mail or user principal name) or by id, in the actor's organization. */
async function loadPeople(tx: Tx, orgId: string, requests: Request[]) {
  const norms = [...new Set(requests.flatMap((r) => (r.norm ? [r.norm] : [])))];
  const ids = [...new Set(requests.flatMap((r) => (r.personId ? [r.personId] : [])))];
  const people: Person[] = [];
  // One query per indexed column: an OR of the two IN lists makes SQLite scan the organization.
  for (const part of chunks(norms)) {
    people.push(...await tx.select().from(directoryPeople).where(and(eq(directoryPeople.orgId, orgId), inArray(directoryPeople.mailNorm, part))));
    people.push(...await tx.select().from(directoryPeople).where(and(eq(directoryPeople.orgId, orgId), inArray(directoryPeople.upnNorm, part))));
  }
  for (const part of chunks(ids)) {
    people.push(...await tx.select().from(directoryPeople).where(and(eq(directoryPeople.orgId, orgId), inArray(directoryPeople.id, part))));
  }
  // When two entries share an address (someone left, a new hire got the address), the current one wins.
  const score = (p: Person) => (p.removedAt ? 0 : 2) + (p.accountEnabled ? 1 : 0);
  const byNorm = new Map<string, Person>();
  const byId = new Map<string, Person>();
  for (const p of people) {
    byId.set(p.id, p);
    for (const norm of [p.upnNorm, p.mailNorm]) {
      if (!norm) continue;
      const held = byNorm.get(norm);
      if (!held || score(p) > score(held)) byNorm.set(norm, p);
    }
  }
  return { byNorm, byId };
}

async function loadMembers(tx: Tx, orgId: string, people: Person[]) {
  const byPerson = new Map<string, Member>();
  const byEmail = new Map<string, Member>();
  const columns = { id: members.id, personId: members.personId, emailNorm: members.emailNorm, status: members.status };
  for (const part of chunks(people)) {
    const found = [
      // Unary + keeps SQLite on members_person: with org_id indexable it scans the organization's members.
      ...await tx.select(columns).from(members).where(and(sql`+${members.orgId} = ${orgId}`, inArray(members.personId, part.map((p) => p.id)))),
      ...await tx.select(columns).from(members).where(and(eq(members.orgId, orgId), inArray(members.emailNorm, part.map((p) => addressOf(p).norm)))),
    ];
    for (const m of found) {
      byEmail.set(m.emailNorm, m);
      const held = m.personId ? byPerson.get(m.personId) : undefined;
      // A person with two member rows (their address changed): the live one counts.
      if (m.personId && (!held || held.status === "archived")) byPerson.set(m.personId, m);
    }
  }
  return { byPerson, byEmail };
}
