// The activity log: one row per admin action, written in the same transaction as the change.
import type { Db } from "../db/client.js";
import { auditEvents } from "../db/schema.js";
import { newId } from "../ids.js";

/** A drizzle database or an open transaction on it. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

export type AuditInput = {
  orgId: string;
  actorId: string | null;
  action: string;
  memberId?: string | null;
  subject?: string | null;
  detail?: Record<string, unknown>;
};

export async function recordAudit(tx: Tx, event: AuditInput): Promise<void> {
  await recordAudits(tx, [event]);
}

export async function recordAudits(tx: Tx, events: AuditInput[]): Promise<void> {
  for (let start = 0; start < events.length; start += 300) {
    const chunk = events.slice(start, start + 300);
    await tx.insert(auditEvents).values(chunk.map((e) => ({
      id: newId(), orgId: e.orgId, actorId: e.actorId, action: e.action, memberId: e.memberId ?? null, subject: e.subject ?? null, detail: e.detail ?? null,
    })));
  }
}
