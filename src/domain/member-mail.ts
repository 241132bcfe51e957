// The emails that inviting, resending and archiving queue, from the mail templates in views/emails.
import { eq } from "drizzle-orm";
import { organizations } from "../db/schema.js";
import { renderArchiveNoticeEmail, type ArchiveNoticeEmailInput } from "../../views/emails/archive-notice-email.js";
import { invitationEmailRenderer, type EmailContent } from "../../views/emails/invitation-email.js";
import type { Tx } from "./audit.js";
import { getRateInForce } from "./rates.js";

export type MailContent = EmailContent;

/** What every invitation email of one batch shares: the organization, the inviter (null: a service), the rate. */
export type InvitationMailContext = { orgName: string; inviterName: string | null; rateMilli: number | null; year: number; reminder?: boolean };

export async function loadInvitationMailContext(tx: Tx, orgId: string, inviterName: string | null): Promise<InvitationMailContext> {
  const year = new Date().getUTCFullYear();
  const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
  return { orgName: org?.name ?? "", inviterName, rateMilli: await getRateInForce(tx, orgId, year), year };
}

/** Renders the batch's email once and fills in each person's name and link. */
export function invitationMailer(context: InvitationMailContext): (person: { joinUrl: string; recipientName: string }) => MailContent {
  return invitationEmailRenderer(context);
}

export function archiveNoticeMail(input: ArchiveNoticeEmailInput): MailContent {
  return renderArchiveNoticeEmail(input);
}
