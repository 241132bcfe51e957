// The invitation email (also the reminder a resend sends): organization, who invited, the
// mileage rate the organization set, and a "Get started" button with the personal link. When no
// person invited (Entra provisioning), it says "You have been invited", as the join page does.
import { formatRate } from "../components/format.js";
import { randomBytes } from "node:crypto";
import { escapeHtml } from "../components/escape.js";
import { EmailButton, EmailFrame, Paragraph, colors, oneLine, renderEmailHtml } from "./email-frame.js";

export type InvitationEmailInput = {
  orgName: string;
  /** The person who invited; null when a service did (Entra provisioning): no name is given. */
  inviterName: string | null;
  /** Thousandths of a dollar per mile, or null when the organization has not set one. */
  rateMilli: number | null;
  year: number;
  joinUrl: string;
  recipientName: string;
  /** A resend: same email, with a subject and first line that say it is a reminder. */
  reminder?: boolean;
};

export type EmailContent = { subject: string; html: string; text: string };

export function renderInvitationEmail(input: InvitationEmailInput): EmailContent {
  if (!/^https?:\/\//i.test(input.joinUrl)) throw new Error("the invitation link must be an http(s) URL");
  const { inviterName, orgName } = input;
  const subject = oneLine(
    `${input.reminder ? "Reminder: " : ""}${inviterName === null ? "You have been invited" : `${inviterName} invited you`} to MileIQ for ${orgName}`,
  );
  const footer =
    inviterName === null
      ? `This invitation was sent to you for ${orgName}, which gives its people access to MileIQ.`
      : `This invitation was sent to you by ${inviterName} at ${orgName}.`;
  const rest = "It is personal: only you can use it, when you sign in with your own work account. If you were not expecting it, you can ignore this email.";
  const rate = input.rateMilli === null ? null : `${formatRate(input.rateMilli)} per mile`;
  const html = renderEmailHtml(
    <EmailFrame
      title={subject}
      preheader={`Join ${input.orgName} on MileIQ${rate ? `: ${rate} in ${input.year}` : ""}`}
      footer={
        <>
          {footer} {rest}
        </>
      }
    >
      <Paragraph>Hi {input.recipientName},</Paragraph>
      {input.reminder && <Paragraph>Your invitation is still waiting for you.</Paragraph>}
      <Paragraph>
        {inviterName === null ? (
          <>You have been invited</>
        ) : (
          <>
            <strong>{inviterName}</strong> invited you
          </>
        )}{" "}
        to track your business mileage with MileIQ for <strong>{orgName}</strong>.
      </Paragraph>
      <Paragraph>
        {rate ? (
          <>
            Your drives are reimbursed at <strong>{rate}</strong> for {input.year}.
          </>
        ) : (
          <>Your organization will set its mileage rate soon.</>
        )}
      </Paragraph>
      <EmailButton href={input.joinUrl}>Get started</EmailButton>
      <p style={`margin:0;font-size:13px;color:${colors.muted};`}>
        Button not working? Paste this link into your browser:
        <br />
        <a href={input.joinUrl} style={`color:${colors.brand};word-break:break-all;`}>
          {input.joinUrl}
        </a>
      </p>
    </EmailFrame>,
  );
  const text = [
    `Hi ${input.recipientName},`,
    "",
    ...(input.reminder ? ["Your invitation is still waiting for you.", ""] : []),
    `${inviterName === null ? "You have been invited" : `${inviterName} invited you`} to track your business mileage with MileIQ for ${orgName}.`,
    "",
    rate ? `Your drives are reimbursed at ${rate} for ${input.year}.` : "Your organization will set its mileage rate soon.",
    "",
    `Get started: ${input.joinUrl}`,
    "",
    "--",
    `${footer} ${rest}`,
    "",
  ].join("\n");
  return { subject, html, text };
}

/**
 * For many invitations sharing one organization, inviter and rate (a bulk invite): renders the
 * email once with markers for the two per-person values and fills them in per person, escaped
 * exactly as hono/jsx escapes: the output is the same as rendering each (mail-templates.test.ts).
 * The values go in through replacement functions: a replacement string would read `$'`, `` $` ``
 * and `$&` in a name as patterns.
 */
export function invitationEmailRenderer(shared: Omit<InvitationEmailInput, "joinUrl" | "recipientName">) {
  const mark = randomBytes(8).toString("hex");
  const nameMark = `RECIPIENT${mark}`;
  const urlMark = `https://JOINURL${mark}`;
  const template = renderInvitationEmail({ ...shared, recipientName: nameMark, joinUrl: urlMark });
  return (person: { joinUrl: string; recipientName: string }): EmailContent => {
    if (!/^https?:\/\//i.test(person.joinUrl)) throw new Error("the invitation link must be an http(s) URL");
    const fill = (s: string, encode: (v: string) => string) => {
      const url = encode(person.joinUrl);
      const name = encode(person.recipientName);
      return s.replaceAll(urlMark, () => url).replaceAll(nameMark, () => name);
    };
    return { subject: template.subject, html: fill(template.html, escapeHtml), text: fill(template.text, (v) => v) };
  };
}
