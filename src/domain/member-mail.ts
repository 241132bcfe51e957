// The invitation email's shared context (organization, inviter, rate), and its rendering, made once
// per context from the template in views/emails (mail-templates.ts renders each outbox row).
import type { Tx } from "../db/client.js";
import { eq, sql } from "drizzle-orm";
import { organizations } from "../db/schema.js";
import { invitationEmailRenderer, type EmailContent } from "../../views/emails/invitation-email.js";
import { rateInForceQuery } from "./rates.js";

export type MailContent = EmailContent;

/** What every invitation email of one batch shares: the organization, the inviter (null: a service), the rate. */
export type InvitationMailContext = { orgName: string; inviterName: string | null; rateMilli: number | null; year: number; reminder?: boolean };

export async function loadInvitationMailContext(tx: Tx, orgId: string, inviterName: string | null): Promise<InvitationMailContext> {
  const year = new Date().getUTCFullYear();
  // One statement: the organization's name and the rate in force.
  const [row] = await tx
    .select({ name: organizations.name, rateMilli: sql<number | null>`(${rateInForceQuery(tx, orgId, year)})` })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  return { orgName: row?.name ?? "", inviterName, rateMilli: row?.rateMilli ?? null, year };
}

type Renderer = (person: { joinUrl: string; recipientName: string }) => MailContent;

/** Renderers by the whole context they were made from (each invite reads that context anew, so a
 *  renamed organization or a new rate is a new key, never an old rendering). Bounded. */
const renderers = new Map<string, Renderer>();
const KEPT_RENDERERS = 100;

/** Renders the batch's email once (once per context across batches) and fills in each person's name and link. */
export function invitationMailer(context: InvitationMailContext): Renderer {
  const key = JSON.stringify(context);
  let render = renderers.get(key);
  if (!render) {
    if (renderers.size >= KEPT_RENDERERS) renderers.delete(renderers.keys().next().value!);
    renderers.set(key, (render = invitationEmailRenderer(context)));
  }
  return render;
}
