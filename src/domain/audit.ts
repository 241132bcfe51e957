// The activity log: one row per admin action, written in the same transaction as the change.
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { newId } from "../ids.js";
import { inParts } from "../event-loop.js";
import type { Actor } from "./actor.js";

export type AuditInput = {
  orgId: string;
  actorId: string | null;
  /** Who acted when no person did (a service): shown instead of a person's name. */
  actorLabel?: string | null;
  action: string;
  memberId?: string | null;
  subject?: string | null;
  detail?: Record<string, unknown>;
};

/** The actor columns of an event: the person, or, for a service acting without one, its name. */
export const auditActor = (actor: Actor): Pick<AuditInput, "actorId" | "actorLabel"> => ({
  actorId: actor.personId,
  actorLabel: actor.personId ? null : actor.name,
});

export async function recordAudit(tx: Tx, event: AuditInput): Promise<void> {
  await recordAudits(tx, [event]);
}

/** A statement per 250 events, the rows as one JSON parameter (cheaper than a 1,750-parameter insert), yielding between them. */
export async function recordAudits(tx: Tx, events: AuditInput[]): Promise<void> {
  await inParts(events, 250, async (part) => {
    const json = JSON.stringify(
      part.map((e) => [
        newId(),
        e.orgId,
        e.actorId,
        e.action,
        e.memberId ?? null,
        e.subject ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
        e.actorLabel ?? null,
      ]),
    );
    await tx.run(sql`INSERT INTO audit_events (id, org_id, actor_id, action, member_id, subject, detail, actor_label)
      SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7 FROM json_each(${json})`);
  });
}
