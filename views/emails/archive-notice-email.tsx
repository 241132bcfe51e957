// The notice a person gets when an admin archives them: access has ended (a member), or the
// invitation was withdrawn (invited, never joined); whom to ask.
import { EmailFrame, Paragraph, oneLine, renderEmailHtml } from "./email-frame.js";
import type { EmailContent } from "./invitation-email.js";

/** wasMember: they had joined (Active); otherwise they were invited and had not joined. */
export type ArchiveNoticeEmailInput = { orgName: string; recipientName: string; archivedByName: string; wasMember: boolean };

export function renderArchiveNoticeEmail(input: ArchiveNoticeEmailInput): EmailContent {
  const { orgName, archivedByName } = input;
  const subject = oneLine(input.wasMember ? `Your MileIQ access for ${orgName} has ended` : `Your MileIQ invitation from ${orgName} was withdrawn`);
  const what = input.wasMember
    ? `${archivedByName} ended your MileIQ membership for ${orgName}. You can no longer sign in to track mileage for ${orgName}, and any invitation you had is no longer valid.`
    : `${archivedByName} withdrew your invitation to track mileage with MileIQ for ${orgName}. The link in it no longer works.`;
  const why = input.wasMember
    ? `You received this because you were a member of ${orgName} on MileIQ.`
    : `You received this because you were invited to join ${orgName} on MileIQ.`;
  const html = renderEmailHtml(
    <EmailFrame title={subject} preheader={input.wasMember ? `${archivedByName} ended your MileIQ access for ${orgName}` : `${archivedByName} withdrew your MileIQ invitation`} footer={<>{why}</>}>
      <Paragraph>Hi {input.recipientName},</Paragraph>
      <Paragraph>
        {input.wasMember
          ? <><strong>{archivedByName}</strong> ended your MileIQ membership for <strong>{orgName}</strong>. You can no longer sign in to track mileage for {orgName}, and any invitation you had is no longer valid.</>
          : <><strong>{archivedByName}</strong> withdrew your invitation to track mileage with MileIQ for <strong>{orgName}</strong>. The link in it no longer works.</>}
      </Paragraph>
      <Paragraph>If you think this is a mistake, ask {archivedByName} or your administrator to invite you again.</Paragraph>
    </EmailFrame>,
  );
  const text = [
    `Hi ${input.recipientName},`,
    "",
    what,
    "",
    `If you think this is a mistake, ask ${archivedByName} or your administrator to invite you again.`,
    "",
    "--",
    why,
    "",
  ].join("\n");
  return { subject, html, text };
}
