// Rows the mail tests need: an organization, and invitations to hang emails on.
import { getTableColumns } from "drizzle-orm";
import { organizations, members, invitations, mailOutbox } from "../../src/db/schema.js";
import type { Db, Tx } from "../../src/db/client.js";
import { newId, newToken, sha256Hex } from "../../src/ids.js";
import { enqueueMails, outboxContextSql, type NewMail } from "../../src/domain/outbox.js";
import { renderOutboxRow } from "../../src/domain/mail-templates.js";

export async function insertOrganization(db: Db, name = `Org ${newId().slice(-6)}`): Promise<string> {
  const id = newId();
  await db.write((tx) => tx.insert(organizations).values({ id, name, domains: ["example.test"] }));
  return id;
}

export async function insertInvitation(db: Db, orgId: string, email: string): Promise<string> {
  const memberId = newId();
  await db.write((tx) => tx.insert(members).values({ id: memberId, orgId, email, emailNorm: email.toLowerCase(), status: "invited", invitedAt: new Date() }));
  const id = newId();
  await db.write((tx) => tx.insert(invitations).values({ id, orgId, memberId, tokenHash: sha256Hex(newToken()) }));
  return id;
}

export function makeMails(orgId: string, n: number, prefix = "m"): NewMail[] {
  return Array.from({ length: n }, (_, i) => ({
    orgId,
    kind: "invitation",
    to: `${prefix}${i}@example.test`,
    ...storedMail({ subject: `Hello ${i}`, html: `<p>Hello ${i}</p>`, text: `Hello ${i}` }),
    idempotencyKey: `test:${prefix}:${i}`,
  }));
}

/** An email given as rendered (the `stored` template: how rows queued before parameters were kept are sent). */
export const storedMail = (content: { subject: string; html: string; text: string }) => ({ template: "stored" as const, params: content });

/** Every column of an outbox row and its context's parameters: `db.select(mailColumns).from(mailOutbox)` reads rows withEmail renders. */
export const mailColumns = { ...getTableColumns(mailOutbox), context: outboxContextSql };

/** An outbox row with the email it sends, rendered from its template and parameters (and its context's) as the mail worker renders it. */
export const withEmail = <R extends { template: string; params: unknown; context?: string | null; contextId?: number | null }>(row: R) => {
  if (row.contextId != null && row.context === undefined)
    throw new Error("withEmail needs the row's context: select mailColumns (or context: outboxContextSql)");
  return { ...row, ...renderOutboxRow(row) };
};

/** One email queued the way the app queues many (enqueueMails): its id, or null when its key was queued already. */
export async function enqueueMail(tx: Tx, message: NewMail): Promise<string | null> {
  const [id] = await enqueueMails(tx, [message]);
  return id ?? null;
}
