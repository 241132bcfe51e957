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
 * How a template's parameters are stored. An invitation's (invitations and reminders, queued by the
 * thousand) are split in two: what the emails queued together share (the organization, inviter,
 * rate, year, the link up to its token, reminder) is one mail_contexts row, and the outbox row keeps
 * `[recipientName, token]`. One with no `/join/` in its link, and one queued before contexts, is a
 * JSON array in INVITATION_FIELDS' order on the row; the other templates are JSON objects.
 */
const INVITATION_FIELDS = ["orgName", "inviterName", "rateMilli", "year", "recipientName", "joinUrl", "reminder"] as const;
const LINK_PATH = "/join/";

type InvitationContext = Omit<InvitationMailParams, "recipientName" | "joinUrl"> & { linkBase: string };

/** The row's params (JSON text) and, for an invitation, its context's (JSON text; null when the row holds everything). */
export function storedMail(mail: MailTemplate): { params: string; context: string | null } {
  if (mail.template !== "invitation") return { params: JSON.stringify(mail.params), context: null };
  const p = mail.params;
  const cut = p.joinUrl.lastIndexOf(LINK_PATH);
  if (cut < 0)
    return { params: JSON.stringify([p.orgName, p.inviterName, p.rateMilli, p.year, p.recipientName, p.joinUrl, ...(p.reminder ? [1] : [])]), context: null };
  const end = cut + LINK_PATH.length;
  const context: InvitationContext = {
    orgName: p.orgName,
    inviterName: p.inviterName,
    rateMilli: p.rateMilli,
    year: p.year,
    linkBase: p.joinUrl.slice(0, end),
  };
  if (p.reminder) context.reminder = true;
  return { params: JSON.stringify([p.recipientName, p.joinUrl.slice(end)]), context: JSON.stringify(context) };
}

function paramsOf(template: string, stored: unknown, context: string | null): MailTemplate {
  if (template !== "invitation") return { template, params: stored } as MailTemplate;
  const values = stored as unknown[];
  if (context !== null) {
    const { linkBase, reminder, ...shared } = JSON.parse(context) as InvitationContext;
    const [recipientName, token] = values as [string, string];
    return { template: "invitation", params: { ...shared, recipientName, joinUrl: `${linkBase}${token}`, reminder: reminder ? true : undefined } };
  }
  if (values.length < 6) throw new Error("an invitation email stored with its context is rendered with the context's parameters (mail_contexts)");
  const params = Object.fromEntries(INVITATION_FIELDS.flatMap((field, i) => (values[i] === undefined ? [] : [[field, values[i]]])));
  return { template: "invitation", params: { ...params, reminder: params.reminder ? true : undefined } as InvitationMailParams };
}

/** SQL: the text holding an invitation email's link in the mail_outbox row `o` (its path from its token, its joinUrl, or the text of one stored rendered). */
export const mailLinkSql = sql.raw(
  `CASE WHEN o.context_id IS NOT NULL THEN '${LINK_PATH}' || (o.params ->> '$[1]') ELSE coalesce(o.params ->> '$[${INVITATION_FIELDS.indexOf("joinUrl")}]', o.params ->> '$.text') END`,
);

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

/** renderMail for a row as read from mail_outbox (params as stored: JSON text, or parsed by Drizzle) with its context's params (mail_contexts), if it has one. */
export function renderOutboxRow(row: { template: string; params: unknown; context?: string | null }): EmailContent {
  return renderMail(paramsOf(row.template, typeof row.params === "string" ? (JSON.parse(row.params) as unknown) : row.params, row.context ?? null));
}
