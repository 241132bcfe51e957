// Inviting people from the organization's directory: the Invite User dialog, group invites and
// Invite again call inviteMembers; Send Invite (a part of 500 rows at a time) and SCIM
// provisioning call inviteMembersInTransaction inside their own transaction. One write
// transaction per call: the lock is taken up front and every status is read again inside it, so
// a double-submitted Invite creates one invitation; the unique (org, email_norm) index backs that up.
import type { Db, Tx } from "../db/client.js";
import { newId, newTokens, sha256Hex } from "../ids.js";
import { signatoryName, type Actor } from "./actor.js";
import { normalizeAddress } from "./addresses.js";
import { auditActor, recordAudits, type AuditInput } from "./audit.js";
import { insertInvitations, insertMembers, reviveMembers, selectMembers, selectPeople, type Member, type NewMember, type Person } from "./invitation-rows.js";
import { loadInvitationMailContext } from "./member-mail.js";
import { invitationMail } from "./mail-templates.js";
import { cancelMemberInvitationMails, enqueueNewInvitationMails, invitationMailKey, type NewMail } from "./outbox.js";
import { yieldToEventLoop } from "../event-loop.js";

export type InviteResultCode = "invited" | "reinvited" | "already_invited" | "already_active" | "not_in_directory" | "account_disabled" | "left_directory";
export type InviteOutcome = {
  email: string;
  personId: string | null;
  memberId: string | null;
  result: InviteResultCode;
  message: string;
  /** Another address of a person an earlier request named: the earlier request's address (one outcome per person). */
  samePersonAs?: string;
};
/** source.loggedByImport: Send Invite logs the whole send as one event naming the file and the
 *  count (import-send.ts), so no event per person; each member records who invited them and when. */
export type InviteInput = { emails?: string[]; personIds?: string[]; source?: { importId: string; loggedByImport?: boolean } };

export const inviteMessages: Record<InviteResultCode, string> = {
  invited: "Invited.",
  reinvited: "Invited again.",
  already_invited: "Already invited: use Resend invitation to send the email again.",
  already_active: "Already a member.",
  not_in_directory: "Not found in your organization's directory.",
  account_disabled: "The directory account is disabled.",
  left_directory: "Left the directory.",
};

type Request = { email: string; norm: string | null; personId: string | null };

const addressOf = (p: Person) => ({ email: p.mail ?? p.userPrincipalName ?? "", norm: p.mailNorm ?? p.upnNorm ?? "" });

export type InviteResultSet = { invited: number; outcomes: InviteOutcome[] };

const requestsOf = (input: InviteInput): Request[] => [
  ...(input.emails ?? []).map((e) => ({ email: e.trim(), norm: normalizeAddress(e), personId: null })).filter((r) => r.norm),
  ...[...new Set(input.personIds ?? [])].map((id) => ({ email: "", norm: null, personId: id })),
];

export async function inviteMembers(db: Db, actor: Actor, input: InviteInput, deps: { publicUrl: string }): Promise<InviteResultSet> {
  const requests = requestsOf(input);
  if (requests.length === 0) return { invited: 0, outcomes: [] };
  return db.write((tx) => inviteInTransaction(tx, actor, requests, input.source, deps.publicUrl));
}

/** inviteMembers as part of the caller's open write transaction: it commits or rolls back with it. */
export async function inviteMembersInTransaction(tx: Tx, actor: Actor, input: InviteInput, deps: { publicUrl: string }): Promise<InviteResultSet> {
  const requests = requestsOf(input);
  if (requests.length === 0) return { invited: 0, outcomes: [] };
  return inviteInTransaction(tx, actor, requests, input.source, deps.publicUrl);
}

async function inviteInTransaction(tx: Tx, actor: Actor, requests: Request[], source: InviteInput["source"], publicUrl: string): Promise<InviteResultSet> {
  // Between statements the event loop serves requests (the transaction stays open): a bulk
  // chunk is a few short statements, not one long stretch.
  const { byNorm, byId } = await loadPeople(tx, actor.orgId, requests);
  const found = [...byId.values()];
  await yieldToEventLoop();
  const { byPerson, byEmail } = await loadMembers(tx, actor.orgId, found);
  const now = Date.now();
  const created: NewMember[] = [];
  const revived: Member[] = [];
  const newInvitations: { id: string; memberId: string; person: Person; action: "member.invite" | "member.reinvite" }[] = [];
  const handled = new Map<string, InviteOutcome>();

  const outcomes = requests.map((request): InviteOutcome => {
    const person = request.personId ? byId.get(request.personId) : byNorm.get(request.norm!);
    const email = request.email || (person ? addressOf(person).email : "");
    const outcome = (result: InviteResultCode, memberId: string | null = null): InviteOutcome => ({
      email,
      personId: person?.id ?? null,
      memberId,
      result,
      message: inviteMessages[result],
    });
    if (!person) return outcome("not_in_directory");
    const earlier = handled.get(person.id);
    if (earlier) return { ...earlier, email, samePersonAs: earlier.email };
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
        created.push({
          id: memberId,
          personId: person.id,
          email: address.email,
          emailNorm: address.norm,
          name: person.displayName,
          sortName: person.displayNorm,
        });
        // A second person with the same address in this batch finds this member.
        byEmail.set(address.norm, { id: memberId, personId: person.id, emailNorm: address.norm, status: "invited" });
        byPerson.set(person.id, byEmail.get(address.norm)!);
      }
      newInvitations.push({ id: newId(), memberId, person, action: member ? "member.reinvite" : "member.invite" });
      return outcome(member ? "reinvited" : "invited", memberId);
    };
    const decided = decide();
    handled.set(person.id, decided);
    return decided;
  });

  if (newInvitations.length > 0) {
    const tokens = newTokens(newInvitations.length);
    await yieldToEventLoop();
    await insertMembers(tx, actor.orgId, actor.personId, now, created);
    await reviveMembers(
      tx,
      actor.orgId,
      actor.personId,
      now,
      revived.map((m) => m.id),
    );
    // Their old links are replaced: an email of one still waiting must not go out after the new one.
    await cancelMemberInvitationMails(
      tx,
      revived.map((m) => m.id),
      "Not sent: replaced by a new invitation.",
    );
    await yieldToEventLoop();
    await insertInvitations(
      tx,
      actor.orgId,
      actor.personId,
      now,
      newInvitations.map((i, n) => ({ id: i.id, memberId: i.memberId, tokenHash: sha256Hex(tokens[n]!) })),
    );
    await yieldToEventLoop();
    const context = await loadInvitationMailContext(tx, actor.orgId, signatoryName(actor));
    const mails: NewMail[] = newInvitations.map((i, n) => ({
      orgId: actor.orgId,
      kind: "invitation",
      to: addressOf(i.person).email,
      invitationId: i.id,
      idempotencyKey: invitationMailKey(i.id, 1),
      importId: source?.importId ?? null,
      ...invitationMail(context, { joinUrl: `${publicUrl}/join/${tokens[n]}`, recipientName: i.person.displayName }),
    }));
    await enqueueNewInvitationMails(tx, mails);
    if (source?.loggedByImport) return { invited: newInvitations.length, outcomes };
    await yieldToEventLoop();
    await recordAudits(
      tx,
      newInvitations.map(
        (i): AuditInput => ({
          orgId: actor.orgId,
          ...auditActor(actor),
          action: i.action,
          memberId: i.memberId,
          subject: addressOf(i.person).email,
          detail: { personId: i.person.id, invitationId: i.id, name: i.person.displayName, ...(source ? { importId: source.importId } : {}) },
        }),
      ),
    );
  }
  return { invited: newInvitations.length, outcomes };
}

/** The people named by address (mail or user principal name) or by id, in the actor's organization. */
async function loadPeople(tx: Tx, orgId: string, requests: Request[]) {
  const norms = [...new Set(requests.flatMap((r) => (r.norm ? [r.norm] : [])))];
  const ids = [...new Set(requests.flatMap((r) => (r.personId ? [r.personId] : [])))];
  const people = await selectPeople(tx, orgId, norms, ids);
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
  for (const m of await selectMembers(
    tx,
    orgId,
    people.map((p) => p.id),
    people.map((p) => addressOf(p).norm),
  )) {
    byEmail.set(m.emailNorm, m);
    const held = m.personId ? byPerson.get(m.personId) : undefined;
    // A person with two member rows (their address changed): the live one counts.
    if (m.personId && (!held || held.status === "archived")) byPerson.set(m.personId, m);
  }
  return { byPerson, byEmail };
}
