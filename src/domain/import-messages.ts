// The stable codes an import row can end with, and the sentence an admin reads for each.
// Validation stores the sentence with the row; the import page and the error log show it.

export type RowOutcome = "ready" | "skipped" | "error";

export const readyCodes = ["ready"] as const;
export const skippedCodes = ["duplicate_in_file", "already_invited", "already_active"] as const;
export const errorCodes = ["empty", "invalid_format", "not_in_directory", "account_disabled", "possible_typo", "left_directory"] as const;
export type RowCode = (typeof readyCodes)[number] | (typeof skippedCodes)[number] | (typeof errorCodes)[number];

/** One row's result: what validation (or the send-time re-check) decided. */
export type RowVerdict = {
  rowNumber: number;
  outcome: RowOutcome;
  code: RowCode;
  message: string;
  suggestion: string | null;
  personId: string | null;
};

/** Short labels for the summary table and the error log's problem column. */
export const codeLabels: Record<RowCode, string> = {
  ready: "Ready to invite",
  duplicate_in_file: "Duplicate in file",
  already_invited: "Already invited",
  already_active: "Already a member",
  empty: "Empty",
  invalid_format: "Not an email address",
  not_in_directory: "Not in directory",
  account_disabled: "Account disabled",
  possible_typo: "Possible typo",
  left_directory: "Left the directory",
};

export const outcomeOf = (code: RowCode): RowOutcome =>
  code === "ready" ? "ready" : (skippedCodes as readonly string[]).includes(code) ? "skipped" : "error";

export const messages = {
  ready: "Ready to invite.",
  archived: "Archived member: will be invited again.",
  duplicate: (row: number) => `Same address as row ${row}; invited once.`,
  samePerson: (row: number) => `Same person as row ${row} (another of their addresses); invited once.`,
  alreadyInvited: "Already invited and not joined yet; use Resend on the Users page if they lost the email.",
  alreadyActive: "Already a member.",
  empty: "The email cell is empty.",
  invalidFormat: "Not a valid email address: check for spaces, a missing @ or a missing domain.",
  notInDirectory: "No one with this address is in your organization's directory. Check the spelling, or ask your global admin to add them.",
  leftDirectory: "This person has left your organization's directory.",
  accountDisabled: "This account is disabled in your organization's directory.",
  possibleTypo: (suggestion: string) => `Not in the directory. Did you mean ${suggestion}?`,
};
