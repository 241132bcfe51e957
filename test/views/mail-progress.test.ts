// The mail progress sentence: honest and short, in the words the admin reads.
import { describe, expect, it } from "vitest";
import type { ImportMailProgress } from "../../src/domain/import-mail.js";
import { mailProgressText, timeLeftText } from "../../views/imports/mail-progress.js";

const progress = (p: Partial<ImportMailProgress>): ImportMailProgress => ({
  total: 5000,
  queued: 0,
  sent: 0,
  delivered: 0,
  bounced: 0,
  failed: 0,
  withdrawn: 0,
  toInvite: 0,
  going: false,
  secondsLeft: null,
  ...p,
});

describe("the mail progress sentence", () => {
  it("says how many of how many are sent, the bounces and about how long is left while emails go", () => {
    expect(mailProgressText({ deliveryReported: true, progress: progress({ sent: 1200, queued: 3800, bounced: 3, going: true, secondsLeft: 240 }) })).toBe(
      "Emails: 1,200 of 5,000 sent · 3 bounced · about 4 minutes left",
    );
    expect(
      mailProgressText({ deliveryReported: true, progress: progress({ sent: 1200, queued: 3797, delivered: 1100, failed: 3, going: true, secondsLeft: 20 }) }),
    ).toBe("Emails: 1,200 of 5,000 sent · 1,100 delivered · 3 could not be sent · less than a minute left");
  });

  it("once all went: how many were delivered and bounced, or only that they were sent when no delivery is reported", () => {
    expect(mailProgressText({ deliveryReported: true, progress: progress({ sent: 5000, delivered: 4990, bounced: 3 }) })).toBe(
      "All 5,000 invitation emails sent; 4,990 delivered, 3 bounced",
    );
    expect(mailProgressText({ deliveryReported: false, progress: progress({ sent: 5000, delivered: 0 }) })).toBe("All 5,000 invitation emails sent");
    expect(mailProgressText({ deliveryReported: false, progress: progress({ total: 1, sent: 1 }) })).toBe("All 1 invitation email sent");
    expect(mailProgressText({ deliveryReported: false, progress: progress({ sent: 4998, failed: 2, withdrawn: 4 }) })).toBe(
      "4,998 of 5,000 invitation emails sent; 2 could not be sent, 4 withdrawn before sending",
    );
  });

  it("says the time left in minutes, then hours", () => {
    expect(timeLeftText(59)).toBe("less than a minute left");
    expect(timeLeftText(60)).toBe("about 1 minute left");
    expect(timeLeftText(424)).toBe("about 7 minutes left");
    expect(timeLeftText(89 * 60)).toBe("about 89 minutes left");
    expect(timeLeftText(3 * 3600)).toBe("about 3 hours left");
  });
});
