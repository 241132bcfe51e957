// The notice a person gets when an admin archives them: access has ended (a member), or the
// invitation was withdrawn (invited, never joined); whom to ask. When no person archived them
// (Entra provisioning: unassigned or disabled there), it names nobody and says to ask the
// administrator.
import { EmailFrame, Paragraph, oneLine, renderEmailHtml } from "./email-frame.js";
import type { EmailContent } from "./invitation-email.js";

/** wasMember: they had joined (Active); otherwise they were invited and had not joined. archivedByName: null when a service archived them. */
export type ArchiveNoticeEmailInput = { orgName: string; recipientName: string; archivedByName: string | null; wasMember: boolean };

export function renderArchiveNoticeEmail(input: ArchiveNoticeEmailInput): EmailContent {
  const { orgName, archivedByName: by } = input;
  const subject = oneLine(input.wasMember ? `Your MileIQ access for ${orgName} has ended` : `Your MileIQ invitation from ${orgName} was withdrawn`);
  const ended = `You can no longer sign in to track mileage for ${orgName}, and any invitation you had is no longer valid.`;
  const what = input.wasMember
    ? `${by === null ? "Your MileIQ membership" : `${by} ended your MileIQ membership`} for ${orgName}${by === null ? " has ended" : ""}. ${ended}`
    : `${by === null ? "Your invitation" : `${by} withdrew your invitation`} to track mileage with MileIQ for ${orgName}${by === null ? " was withdrawn" : ""}. The link in it no longer works.`;
  const preheader =
    by === null
      ? input.wasMember
        ? `Your MileIQ access for ${orgName} has ended`
        : "Your MileIQ invitation was withdrawn"
      : input.wasMember
        ? `${by} ended your MileIQ access for ${orgName}`
        : `${by} withdrew your MileIQ invitation`;
  const ask = `If you think this is a mistake, ask ${by === null ? "" : `${by} or `}your administrator to invite you again.`;
  const why = input.wasMember
    ? `You received this because you were a member of ${orgName} on MileIQ.`
    : `You received this because you were invited to join ${orgName} on MileIQ.`;
  const html = renderEmailHtml(
    <EmailFrame title={subject} preheader={preheader} footer={why}>
      <Paragraph>Hi {input.recipientName},</Paragraph>
      <Paragraph>
        {input.wasMember ? (
          by === null ? (
            <>
              Your MileIQ membership for <strong>{orgName}</strong> has ended. {ended}
            </>
          ) : (
            <>
              <strong>{by}</strong> ended your MileIQ membership for <strong>{orgName}</strong>. {ended}
            </>
          )
        ) : by === null ? (
          <>
            Your invitation to track mileage with MileIQ for <strong>{orgName}</strong> was withdrawn. The link in it no longer works.
          </>
        ) : (
          <>
            <strong>{by}</strong> withdrew your invitation to track mileage with MileIQ for <strong>{orgName}</strong>. The link in it no longer works.
          </>
        )}
      </Paragraph>
      <Paragraph>{ask}</Paragraph>
    </EmailFrame>,
  );
  const text = [`Hi ${input.recipientName},`, "", what, "", ask, "", "--", why, ""].join("\n");
  return { subject, html, text };
}
