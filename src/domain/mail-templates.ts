// What an outbox row holds instead of the email: the template's name and its parameters (the
// recipient's and the inviter's names, the rate, the link …). The email is rendered from them when
// it is sent (outbox-delivery.ts) and when the local outbox shows it (outbox.ts), so each email is
// stored once, in a few hundred bytes. Parameters are what was true when the email was queued:
// resends and reminders are queued from current data at the moment they are sent.
import { sql } from "drizzle-orm";
import { renderArchiveNoticeEmail, type ArchiveNoticeEmailInput } from "../../views/emails/archive-notice-email.js";
import type { EmailContent } from "../../views/emails/invitation-email.js";
import { invitationMailer, type InvitationMailContext } from "./member-mail.js";

export type InvitationMailParams = {
  orgName: string;
  inviterName: string | null;
  rateMilli: number | null;
  year: number;
  recipientName: string;
  joinUrl: string;
  reminder?: true;
};
export type ArchiveNoticeMailParams = ArchiveNoticeEmailInput;
/** A row queued before emails were stored as parameters: the email as it was rendered then. */
export type StoredMailParams = EmailContent;

export const mailTemplates = ["invitation", "archive_notice", "stored"] as const;
export type MailTemplateName = (typeof mailTemplates)[number];

export type MailTemplate =
  | { template: "invitation"; params: InvitationMailParams }
  | { template: "archive_notice"; params: ArchiveNoticeMailParams }
  | { template: "stored"; params: StoredMailParams };

/** The parameters of one invitation email (or reminder): the batch's shared context and the person's name and link. */
export function invitationMail(context: InvitationMailContext, person: { recipientName: string; joinUrl: string }): MailTemplate {
  // Refused when queued, not when sent: a bad PUBLIC_URL fails the action that would queue it.
  if (!/^https?:\/\//i.test(person.joinUrl)) throw new Error("the invitation link must be an http(s) URL");
  const { orgName, inviterName, rateMilli, year } = context;
  return { template: "invitation", params: { orgName, inviterName, rateMilli, year, ...person, ...(context.reminder ? { reminder: true } : {}) } };
}

/**
 * How a template's parameters are stored: an invitation's as a JSON array in INVITATION_FIELDS'
 * order (a bulk send queues one per person: names of fields would be a third of the row), the
 * others as JSON objects.
 */
const INVITATION_FIELDS = ["orgName", "inviterName", "rateMilli", "year", "recipientName", "joinUrl", "reminder"] as const;

export function storedParams(mail: MailTemplate): unknown {
  if (mail.template !== "invitation") return mail.params;
  const p = mail.params;
  return [p.orgName, p.inviterName, p.rateMilli, p.year, p.recipientName, p.joinUrl, ...(p.reminder ? [1] : [])];
}

function paramsOf(template: string, stored: unknown): MailTemplate {
  if (template !== "invitation") return { template, params: stored } as MailTemplate;
  const values = stored as unknown[];
  const params = Object.fromEntries(INVITATION_FIELDS.flatMap((field, i) => (values[i] === undefined ? [] : [[field, values[i]]])));
  return { template: "invitation", params: { ...params, reminder: params.reminder ? true : undefined } as InvitationMailParams };
}

/** SQL: the text holding an invitation email's link in the mail_outbox row `o` (its joinUrl, or the text of one stored rendered). */
export const mailLinkSql = sql.raw(`coalesce(o.params ->> '$[${INVITATION_FIELDS.indexOf("joinUrl")}]', o.params ->> '$.text')`);

/** The email a row's template and parameters make. Invitations of one context share one rendering (member-mail.ts). */
export function renderMail(mail: MailTemplate): EmailContent {
  switch (mail.template) {
    case "invitation": {
      const { recipientName, joinUrl, reminder, ...shared } = mail.params;
      return invitationMailer({ ...shared, ...(reminder ? { reminder } : {}) })({ recipientName, joinUrl });
    }
    case "archive_notice":
      return renderArchiveNoticeEmail(mail.params);
    case "stored":
      return { subject: mail.params.subject, html: mail.params.html, text: mail.params.text };
    default:
      throw new Error(`no mail template named ${(mail as { template: string }).template}`);
  }
}

/** renderMail for a row as read from mail_outbox (params as stored: JSON text, or parsed by Drizzle). */
export function renderOutboxRow(row: { template: string; params: unknown }): EmailContent {
  return renderMail(paramsOf(row.template, typeof row.params === "string" ? (JSON.parse(row.params) as unknown) : row.params));
}
