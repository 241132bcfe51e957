// What happened, as a plain sentence per action code, for the activity page and its CSV.
// The detail shapes come from the features that record the events; every field is optional
// here, so an older or unexpected detail still reads sensibly. Unknown actions show their code.
import { formatNumber, formatRate } from "../components/format.js";

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
const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** The actions the filter offers, with their labels (the log may hold others too). */
export const actionLabels: Record<string, string> = {
  "member.invite": "Invitations sent",
  "member.resend": "Invitations resent",
  "member.reinvite": "Archived users invited again",
  "member.archive": "Users archived",
  "member.join": "Users joined",
  "import.upload": "Bulk uploads",
  "import.send": "Bulk upload sends",
  "rate.change": "Mileage rate changes",
  "directory.sync": "Directory syncs",
};

export function describeActivity(action: string, detail: Detail): string {
  switch (action) {
    case "member.invite": return "Sent an invitation";
    case "member.resend": return "Resent the invitation";
    case "member.reinvite": return "Invited an archived user again";
    case "member.archive": return "Archived the user and revoked any open invitation";
    case "member.join": return "Joined MileIQ";
    case "import.upload": {
      const file = text(detail, "fileName", "file");
      const rows = count(detail, "total", "rows", "totalRows");
      return `Uploaded ${file ? `“${file}”` : "a CSV file"}${rows !== undefined ? ` (${plural(rows, "row", "rows")})` : ""}`;
    }
    case "import.send": {
      const file = text(detail, "fileName", "file");
      const sent = count(detail, "invited", "sent", "count", "readyCount");
      return `Sent invitations from ${file ? `“${file}”` : "a bulk upload"}${sent !== undefined ? ` (${plural(sent, "person", "people")})` : ""}`;
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
      const parts = (["added", "updated", "removed"] as const)
        .map((key) => [key, count(detail, key)] as const)
        .filter(([, n]) => n !== undefined)
        .map(([key, n]) => `${formatNumber(n!)} ${key}`);
      return `Synced the directory${parts.length ? ` (${parts.join(", ")})` : ""}`;
    }
    case "organization.created": return "Set up the organization";
    default: return action;
  }
}
