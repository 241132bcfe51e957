// What happened, as a plain sentence per action code, for the activity page and its CSV.
// The detail shapes come from the features that record the events; every field is optional
// here, so an older or unexpected detail still reads sensibly. Unknown actions show their code.
import { formatNumber, formatRate, plural } from "../components/format.js";

type Detail = Record<string, unknown> | null;

const text = (detail: Detail, ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const value = detail?.[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
};
const count = (detail: Detail, ...keys: string[]): number | undefined => {
  for (const key of keys) {
    const value = detail?.[key];
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return undefined;
};

/** The actions the filter offers, with their labels (the log may hold others too). */
export const actionLabels: Record<string, string> = {
  "member.invite": "Invitations sent",
  "member.resend": "Invitations resent",
  "member.remind": "Reminders sent",
  "reminders.send": "Remind everyone",
  "member.reinvite": "Archived users invited again",
  "member.archive": "Users archived",
  "group.invite": "Groups invited",
  "member.join": "Users joined",
  "import.upload": "Bulk uploads",
  "import.send": "Bulk upload sends",
  "import.use_suggestions": "Bulk upload suggestions used",
  "rate.change": "Mileage rate changes",
  "settings.reminders": "Reminder setting changes",
  "directory.sync": "Directory syncs",
  "scim.token": "Provisioning tokens generated",
};

type Event = { action: string; detail: Detail; subject: string | null };
type Affected = { memberName: string | null; memberEmail: string | null };

/** Actions whose subject names a file or an outcome, not a person. */
const subjectIsNotAPerson = new Set([
  "group.invite",
  "import.upload",
  "import.send",
  "import.use_suggestions",
  "directory.sync",
  "rate.change",
  "organization.created",
  "reminders.send",
  "settings.reminders",
]);

/** The person an event is about: the member it names, else its subject (an address); null when none. */
export function affectedPerson(row: Event & Affected): { name: string | null; email: string | null } | null {
  if (row.memberName || row.memberEmail) return { name: row.memberName, email: row.memberEmail };
  if (row.subject && !subjectIsNotAPerson.has(row.action)) return { name: null, email: row.subject };
  return null;
}

export function describeActivity(row: Event): string {
  const { action, detail, subject } = row;
  switch (action) {
    case "member.invite":
      return "Sent an invitation";
    case "member.resend":
      return detail?.freshLink === true ? "Resent the invitation with a new link (the old link no longer works)" : "Resent the invitation";
    case "member.reinvite":
      return "Invited an archived user again";
    case "member.remind": {
      const n = count(detail, "reminder");
      const which = n === 1 ? "a first reminder" : n === 2 ? "a second reminder" : "a reminder";
      return `Sent ${which} (same link)${detail?.automatic === true ? ", automatically" : ""}`;
    }
    // `reminded`: the people the request actually reminded, logged when it was carried out.
    case "reminders.send": {
      const days = count(detail, "days");
      const reminded = count(detail, "reminded");
      const who = `everyone invited more than ${days ?? "a few"} days ago who had not joined`;
      return reminded === 0
        ? `Reminded ${who}: nobody could be reminded any more`
        : `Reminded ${who}${reminded !== undefined ? ` (${plural(reminded, "person", "people")})` : ""}`;
    }
    case "settings.reminders": {
      const days = count(detail, "newDays");
      return days === 0 ? "Turned reminders off" : `Set reminders to ${days ?? "some"} days after the invitation`;
    }
    case "member.archive": {
      const revoked = text(detail, "previousStatus") === "invited";
      if (text(detail, "by") === "directory") {
        const why = text(detail, "reason") === "disabled" ? "the account was disabled in the directory" : "the person left the directory";
        return `Archived by the directory${revoked ? " and the invitation revoked" : ""}: ${why}`;
      }
      return revoked ? "Archived the user and revoked the invitation" : "Archived the user";
    }
    case "group.invite": {
      const name = text(detail, "name") ?? subject ?? "a group";
      const invited = count(detail, "invited") ?? 0;
      const skipped = count(detail, "skipped") ?? 0;
      return `Invited the group “${name}” (${plural(invited, "person", "people")} invited${skipped ? `, ${formatNumber(skipped)} skipped` : ""})`;
    }
    case "member.join":
      return "Joined MileIQ";
    case "import.upload": {
      const file = text(detail, "fileName", "file") ?? subject ?? undefined;
      const rows = count(detail, "total", "rows", "totalRows");
      return `Uploaded ${file ? `“${file}”` : "a CSV file"}${rows !== undefined ? ` (${plural(rows, "row", "rows")})` : ""}`;
    }
    // `invited`: the people the request actually invited, logged when it was carried out.
    case "import.send": {
      const file = text(detail, "fileName", "file") ?? subject ?? undefined;
      const from = file ? `“${file}”` : "a bulk upload";
      const sent = count(detail, "invited", "rows", "sent", "count");
      if (sent === 0) return `Sent Invite for ${from}: nobody was invited (everyone was already invited, or could not be)`;
      return `Sent invitations from ${from}${sent !== undefined ? ` (${plural(sent, "person", "people")})` : ""}`;
    }
    case "import.use_suggestions": {
      const file = text(detail, "fileName", "file") ?? subject ?? undefined;
      const from = file ? `“${file}”` : "a bulk upload";
      const sent = count(detail, "invited", "rows", "count");
      if (sent === 0) return `Used the suggested addresses from ${from}: nobody was invited (everyone was already invited, or could not be)`;
      return `Invited the suggested addresses from ${from}${sent !== undefined ? ` (${plural(sent, "person", "people")})` : ""}`;
    }
    case "rate.change": {
      const year = count(detail, "year");
      const from = count(detail, "oldRateMilli");
      const to = count(detail, "newRateMilli");
      const which = year !== undefined ? `the ${year} mileage rate` : "the mileage rate";
      if (to === undefined) return `Changed ${which}`;
      return from === undefined ? `Set ${which} to ${formatRate(to)} per mile` : `Changed ${which} from ${formatRate(from)} to ${formatRate(to)} per mile`;
    }
    case "directory.sync": {
      if (subject === "failed" || text(detail, "status") === "failed") {
        const why = text(detail, "message");
        return `Directory sync failed${why ? `: ${why}` : ""}`;
      }
      const parts = (["added", "updated", "removed", "archived"] as const)
        .map((key) => [key, count(detail, key)] as const)
        .filter(([, n]) => n !== undefined)
        .map(([key, n]) => `${formatNumber(n!)} ${key}`);
      return `Synced the directory${parts.length ? ` (${parts.join(", ")})` : ""}`;
    }
    case "organization.created":
      return "Set up the organization";
    case "scim.token":
      return detail?.replaced === true ? "Generated a new provisioning token (the previous one no longer works)" : "Generated a provisioning token";
    default:
      return action;
  }
}
