// What Entra's provisioning requests do: each is one write transaction that checks everything
// before it writes, saves the SCIM user and its directory person, changes the membership when
// `active` changed (invited through inviteMembers, archived through archiveMembers, both as
// "Entra provisioning"), and records the request in the provisioning log. A repeated request
// changes nothing twice: POST of an existing userName is a 409, and PUT/PATCH/DELETE only act
// on a difference from what is stored.
import { and, eq, ne } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { members, scimUsers } from "../db/schema.js";
import { yieldToEventLoop } from "../event-loop.js";
import { newId } from "../ids.js";
import { provisioningActor } from "./actor.js";
import { inviteMembersInTransaction, inviteMessages } from "./invitations.js";
import { archiveMembersInTransaction } from "./member-archive.js";
import { recordScimRequest } from "./scim-log.js";
import { applyUserPatch } from "./scim-patch.js";
import { savePersonForScimUser } from "./scim-person.js";
import { readUserResource, type ScimProblem, type ScimUserFields } from "./scim-user-resource.js";
import { findScimUser, type ScimUserRow } from "./scim-users.js";

export type ScimRequestContext = { orgId: string; publicUrl: string; method: string; path: string };
export type ScimWriteResult = { ok: true; status: 200 | 201 | 204; user: ScimUserRow | null; mailQueued: boolean } | { ok: false; problem: ScimProblem };

type Outcome = { result: ScimWriteResult; summary: string };

const notFound = (id: string): Outcome => ({
  result: { ok: false, problem: { status: 404, detail: `No user with id "${id.slice(0, 80)}" in this organization.` } },
  summary: "Not found",
});
const refused = (problem: ScimProblem): Outcome => ({ result: { ok: false, problem }, summary: problem.detail });
const addressOf = (f: ScimUserFields) => f.mail ?? f.userPrincipalName ?? f.userName;

/**
 * One transaction: the work, then its line in the provisioning log. The work starts after one
 * turn of the event loop: requests queued for the write lock take it from one another in a
 * microtask, so without that turn Entra's ten connections would write back to back while a page
 * request waited for all of them.
 */
async function inTransaction(db: Db, ctx: ScimRequestContext, work: (tx: Tx) => Promise<Outcome>): Promise<ScimWriteResult> {
  return db.write(async (tx) => {
    await yieldToEventLoop();
    const { result, summary } = await work(tx);
    const status = result.ok ? result.status : result.problem.status;
    await recordScimRequest(tx, { orgId: ctx.orgId, method: ctx.method, path: ctx.path, status, outcome: summary });
    return result;
  });
}

/** Invites (active) or archives (inactive) the person's membership; answers what happened. */
async function applyMembership(tx: Tx, ctx: ScimRequestContext, personId: string, active: boolean): Promise<{ text: string; mailQueued: boolean }> {
  const actor = provisioningActor(ctx.orgId);
  if (active) {
    const { invited, outcomes } = await inviteMembersInTransaction(tx, actor, { personIds: [personId] }, { publicUrl: ctx.publicUrl });
    const result = outcomes[0]?.result;
    const text =
      result === "invited"
        ? "invitation sent"
        : result === "reinvited"
          ? "invited again"
          : (result ? inviteMessages[result] : "not invited").replace(/\.$/, "").toLowerCase();
    return { text, mailQueued: invited > 0 };
  }
  const live = await tx
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.orgId, ctx.orgId), eq(members.personId, personId), ne(members.status, "archived")));
  if (live.length === 0) return { text: "not a member", mailQueued: false };
  const { archived } = await archiveMembersInTransaction(
    tx,
    actor,
    live.map((m) => m.id),
  );
  return { text: archived.length > 0 ? "archived" : "already archived", mailQueued: archived.length > 0 };
}

/** Saves `body` (already read) as the user `existing` (null: a new user). */
async function saveUser(tx: Tx, ctx: ScimRequestContext, existing: ScimUserRow | null, body: unknown, verb: string): Promise<Outcome> {
  const read = readUserResource(body);
  if (!read.ok) return refused(read.problem);
  const { fields, resource } = read;
  const [taken] = await tx
    .select({ id: scimUsers.id })
    .from(scimUsers)
    .where(and(eq(scimUsers.orgId, ctx.orgId), eq(scimUsers.userNameNorm, fields.userNameNorm), ...(existing ? [ne(scimUsers.id, existing.id)] : [])));
  if (taken)
    return refused({ status: 409, scimType: "uniqueness", detail: `A user with userName "${fields.userName.slice(0, 256)}" already exists (id ${taken.id}).` });
  const earlier = existing ? readUserResource(existing.resource) : null;
  const before = earlier?.ok ? earlier.fields : null;
  const person = await savePersonForScimUser(tx, ctx.orgId, { scimUserId: existing?.id ?? null, personId: existing?.personId ?? null, before, after: fields });
  if (!person.ok) return refused(person.problem);

  const now = new Date();
  const row = {
    personId: person.personId,
    userName: fields.userName,
    userNameNorm: fields.userNameNorm,
    externalId: fields.externalId,
    emailNorm: fields.mail?.toLowerCase() ?? null,
    active: fields.active,
    resource,
  };
  let user: ScimUserRow;
  if (existing) {
    const unchanged = existing.personId === person.personId && JSON.stringify(existing.resource) === JSON.stringify(resource);
    if (!unchanged)
      await tx
        .update(scimUsers)
        .set({ ...row, updatedAt: now })
        .where(and(eq(scimUsers.orgId, ctx.orgId), eq(scimUsers.id, existing.id)));
    user = unchanged ? existing : { ...existing, ...row, updatedAt: now };
  } else {
    const id = newId();
    await tx.insert(scimUsers).values({ id, orgId: ctx.orgId, ...row, createdAt: now, updatedAt: now });
    user = { id, ...row, createdAt: now, updatedAt: now };
  }
  const membership = existing?.active === fields.active ? null : await applyMembership(tx, ctx, person.personId, fields.active);
  return {
    result: { ok: true, status: existing ? 200 : 201, user, mailQueued: membership?.mailQueued ?? false },
    summary: `${verb} ${addressOf(fields)}${membership ? `: ${membership.text}` : ""}.`,
  };
}

export function createScimUser(db: Db, ctx: ScimRequestContext, body: unknown): Promise<ScimWriteResult> {
  return inTransaction(db, ctx, (tx) => saveUser(tx, ctx, null, body, "Created"));
}

export function replaceScimUser(db: Db, ctx: ScimRequestContext, id: string, body: unknown): Promise<ScimWriteResult> {
  return inTransaction(db, ctx, async (tx) => {
    const existing = await findScimUser(tx, ctx.orgId, id);
    return existing ? saveUser(tx, ctx, existing, body, "Replaced") : notFound(id);
  });
}

export function patchScimUser(db: Db, ctx: ScimRequestContext, id: string, body: unknown): Promise<ScimWriteResult> {
  return inTransaction(db, ctx, async (tx) => {
    const existing = await findScimUser(tx, ctx.orgId, id);
    if (!existing) return notFound(id);
    const patched = applyUserPatch(existing.resource, body);
    return patched.ok ? saveUser(tx, ctx, existing, patched.resource, "Updated") : refused(patched.problem);
  });
}

/** Archives the person's membership and forgets the SCIM user (a GET then answers 404). */
export function deleteScimUser(db: Db, ctx: ScimRequestContext, id: string): Promise<ScimWriteResult> {
  return inTransaction(db, ctx, async (tx) => {
    const existing = await findScimUser(tx, ctx.orgId, id);
    if (!existing) return notFound(id);
    const membership = await applyMembership(tx, ctx, existing.personId, false);
    await tx.delete(scimUsers).where(and(eq(scimUsers.orgId, ctx.orgId), eq(scimUsers.id, id)));
    return { result: { ok: true, status: 204, user: null, mailQueued: membership.mailQueued }, summary: `Deleted ${existing.userName}: ${membership.text}.` };
  });
}
