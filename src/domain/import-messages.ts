// The stable codes an import row can end with, and the sentence an admin reads for each.
// Validation stores the sentence with the row; the import page and the error log show it.

export type RowOutcome = "ready" | "skipped" | "error";

export const readyCodes = ["ready"] as const;
export const skippedCodes = ["duplicate_in_file", "already_invited", "already_active", "archived_after_check"] as const;
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
  archived_after_check: "Archived after the check",
  empty: "Empty",
  invalid_format: "Not an email address",
  not_in_directory: "Not in directory",
  account_disabled: "Account disabled",
  possible_typo: "Possible typo",
  left_directory: "Left the directory",
};

export const outcomeOf = (code: RowCode): RowOutcome => (code === "ready" ? "ready" : (skippedCodes as readonly string[]).includes(code) ? "skipped" : "error");

/** "robin.fox@contoso.example (Robin Fox)": the address and whose it is. */
const who = (address: string, name: string) => (name ? `${address} (${name})` : address);

export const messages = {
  ready: "Ready to invite.",
  archived: "Archived member: will be invited again.",
  /** The earlier row is ready: the person is invited once, from it. */
  duplicate: (row: number) => `Same address as row ${row}; invited once.`,
  /** The earlier row is not ready (an error, or skipped): nothing is claimed for it. */
  duplicateOfProblem: (row: number) => `Same address as row ${row}; see that row.`,
  samePerson: (row: number) => `Same person as row ${row} (another of their addresses); invited once.`,
  samePersonOfProblem: (row: number) => `Same person as row ${row} (another of their addresses); see that row.`,
  alreadyInvited: "Already invited and not joined yet; use Resend on the Users page if they lost the email.",
  invitedSinceCheck: "Invited since the check (another upload or the Invite button), so not invited again; they have not joined yet.",
  alreadyActive: "Already a member.",
  archivedAfterCheck: "Archived after the check, so not invited. To give them access again, use Invite again on the Users page.",
  empty: "The email cell is empty.",
  invalidFormat: "Not a valid email address: check for spaces, a missing @ or a missing domain.",
  notInDirectory: "No one with this address is in your organization's directory. Check the spelling, or ask your global admin to add them.",
  leftDirectory: "This person has left your organization's directory.",
  accountDisabled: "This account is disabled in your organization's directory.",
  possibleTypo: (address: string, name: string) => `Not in the directory. Did you mean ${who(address, name)}?`,
  /** A typo of someone whose own outcome applies: `outcome` is that outcome's sentence. */
  typoOf: (address: string, name: string, outcome: string) => `Not in the directory as typed; did you mean ${who(address, name)}? ${outcome}`,
  typoSamePerson: (row: number) => `That is the same person as row ${row}; see that row.`,
};
