// The notice a person gets when an admin archives them: access has ended, whom to ask.
import { EmailFrame, Paragraph, oneLine, renderEmailHtml } from "./email-frame.js";
import type { EmailContent } from "./invitation-email.js";

export type ArchiveNoticeEmailInput = { orgName: string; recipientName: string; archivedByName: string };

export function renderArchiveNoticeEmail(input: ArchiveNoticeEmailInput): EmailContent {
  const subject = oneLine(`Your MileIQ access for ${input.orgName} has ended`);
  const html = renderEmailHtml(
    <EmailFrame
      title={subject}
      preheader={`${input.archivedByName} ended your MileIQ access for ${input.orgName}`}
      footer={<>You received this because you were a member of {input.orgName} on MileIQ.</>}
    >
      <Paragraph>Hi {input.recipientName},</Paragraph>
      <Paragraph>
        <strong>{input.archivedByName}</strong> ended your MileIQ membership for <strong>{input.orgName}</strong>. You can no longer
        sign in to track mileage for {input.orgName}, and any invitation you had is no longer valid.
      </Paragraph>
      <Paragraph>If you think this is a mistake, ask {input.archivedByName} or your administrator to invite you again.</Paragraph>
    </EmailFrame>,
  );
  const text = [
    `Hi ${input.recipientName},`,
    "",
    `${input.archivedByName} ended your MileIQ membership for ${input.orgName}. You can no longer sign in to track mileage for ${input.orgName}, and any invitation you had is no longer valid.`,
    "",
    `If you think this is a mistake, ask ${input.archivedByName} or your administrator to invite you again.`,
    "",
    "--",
    `You received this because you were a member of ${input.orgName} on MileIQ.`,
    "",
  ].join("\n");
  return { subject, html, text };
}
