// The emails that inviting, resending and archiving queue, built from the mail helper's templates.
import type { Tx } from "./audit.js";
import { eq } from "drizzle-orm";
import { organizations } from "../db/schema.js";
import { getRateInForce } from "./rates.js";

export type MailContent = { subject: string; html: string; text: string };

/** What every invitation email of one batch shares: the organization, the inviter, the rate. */
export type InvitationMailContext = { orgName: string; inviterName: string; rateMilli: number | null; year: number };

export async function loadInvitationMailContext(tx: Tx, orgId: string, inviterName: string): Promise<InvitationMailContext> {
  const year = new Date().getUTCFullYear();
  const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
  return { orgName: org?.name ?? "", inviterName, rateMilli: await getRateInForce(tx, orgId, year), year };
}

export function invitationMail(context: InvitationMailContext, input: { joinUrl: string; recipientName: string }): MailContent {
  const rate = context.rateMilli === null ? "" : ` at $${(context.rateMilli / 1000).toFixed(3)} per mile`;
  const subject = `${context.inviterName} invited you to MileIQ for ${context.orgName}`;
  const text = `Hello ${input.recipientName},\n\n${context.inviterName} invited you to track your mileage with MileIQ for ${context.orgName}${rate}.\n\nJoin: ${input.joinUrl}\n`;
  const html = `<p>Hello ${escapeHtml(input.recipientName)},</p><p>${escapeHtml(context.inviterName)} invited you to track your mileage with MileIQ for ${escapeHtml(context.orgName)}${escapeHtml(rate)}.</p><p><a href="${escapeHtml(input.joinUrl)}">Join</a></p>`;
  return { subject, html, text };
}

export function archiveNoticeMail(input: { orgName: string; recipientName: string; archivedByName: string }): MailContent {
  const subject = `Your MileIQ access for ${input.orgName} has ended`;
  const text = `Hello ${input.recipientName},\n\n${input.archivedByName} removed your MileIQ access for ${input.orgName}.\n`;
  const html = `<p>Hello ${escapeHtml(input.recipientName)},</p><p>${escapeHtml(input.archivedByName)} removed your MileIQ access for ${escapeHtml(input.orgName)}.</p>`;
  return { subject, html, text };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
