// An import's invitation emails, counted for its mail progress (the import page and the Users
// page): queued, sent, delivered, bounced, and how long the rest will take at the provider's rate.
// The counts are import_mail_counts, a few rows per import kept by triggers on mail_outbox in the
// statement that writes each email (drizzle/0016), so a poll reads those rows, not the import's
// emails: a grouped count over an index of a 100,000-email import took 32 ms a poll, with no
// other request served meanwhile (the embedded driver is synchronous), against 0.2 ms for a
// trivial read. test/domain/import-mail.test.ts checks the counts against the rows.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { DeliveryStatus, MailStatus } from "../db/schema.js";
import { serverEmailsPerSecond, type MailRateSettings } from "./mail-rate.js";

export type ImportMailCounts = {
  /** Emails of the import that go or went (withdrawn ones not counted). */
  total: number;
  /** Not sent yet (waiting, being sent, or waiting to be retried). */
  queued: number;
  /** Accepted by the provider. */
  sent: number;
  delivered: number;
  bounced: number;
  /** Refused by the provider or given up after every retry. */
  failed: number;
  /** Withdrawn before they went (the invitation was revoked or replaced). */
  withdrawn: number;
};

const none = (): ImportMailCounts => ({ total: 0, queued: 0, sent: 0, delivered: 0, bounced: 0, failed: 0, withdrawn: 0 });

/** The import's emails by where they stand; an import of another organization has none. */
export async function countImportMail(db: Db, orgId: string, importId: string): Promise<ImportMailCounts> {
  // The import is looked up with its organization: another organization's id counts nothing.
  const rows = await db.all<{ status: MailStatus; delivery: DeliveryStatus | ""; n: number }>(sql`
    SELECT status, delivery_status AS delivery, count AS n FROM import_mail_counts
    WHERE import_id = (SELECT id FROM imports WHERE id = ${importId} AND org_id = ${orgId})`);
  const counts = none();
  for (const { status, delivery, n } of rows) {
    const count = Number(n);
    if (status === "cancelled") {
      counts.withdrawn += count;
      continue;
    }
    counts.total += count;
    if (status === "queued" || status === "sending") counts.queued += count;
    else if (status === "sent") counts.sent += count;
    else counts.failed += count;
    if (status === "sent" && delivery === "delivered") counts.delivered += count;
    if (status === "sent" && delivery === "bounced") counts.bounced += count;
  }
  return counts;
}

export type ImportMailProgress = ImportMailCounts & {
  /** People of the file still to be invited (the send is under way): their emails are not queued yet. */
  toInvite: number;
  /** Whether anything is still to go: the page polls while it is. */
  going: boolean;
  /** Seconds until the last email leaves at the server's mail rate; null when nothing is to go. */
  secondsLeft: number | null;
};

/**
 * The progress of the import's emails. `toInvite`: ready rows the send has not reached yet (0
 * once it is done). The estimate assumes the whole server's rate goes to these emails: mail of
 * other sends queued before them goes first, so it is a lower bound when several run at once.
 */
export function importMailProgress(counts: ImportMailCounts, toInvite: number, settings: MailRateSettings): ImportMailProgress {
  const left = counts.queued + toInvite;
  const going = left > 0;
  return { ...counts, total: counts.total + toInvite, toInvite, going, secondsLeft: going ? Math.ceil(left / serverEmailsPerSecond(settings)) : null };
}
