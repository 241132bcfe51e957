// Finding the column of email addresses in the first records of a file: by header name when the
// file has a recognisable header, otherwise by the values that look like addresses.
import { ADDRESS_MAX_LENGTH, cleanAddressValue } from "./addresses.js";

// Header names after folding (lower case, no accents, letters and digits only), best first.
// Digits are dropped in a second try, so "Email Address 1" and "E-mail 2 Address" match too.
const EMAIL_NAMES = [
  "email",
  "emailaddress",
  "mail",
  "emailaddr",
  "mailaddress",
  "emailid",
  "primaryemail",
  "primaryemailaddress",
  "workemail",
  "workemailaddress",
  "businessemail",
  "businessemailaddress",
  "contactemail",
  "useremail",
  "emailvalue",
  "emailadresse",
  "adresseemail",
  "adressemail",
  "courriel",
  "adressecourriel",
  "correo",
  "correoelectronico",
  "emailadres",
  "indirizzoemail",
];
// Sign-in names: used when no email column exists; the first three also fill empty email cells.
const SIGN_IN_NAMES = ["userprincipalname", "upn", "signinname", "login", "loginname", "username"];
const FALLBACK_NAMES = new Set(["userprincipalname", "upn", "signinname"]);

export type ColumnChoice = {
  /** Index in the records given of the header line, or -1 when the file has no header. */
  headerAt: number;
  index: number;
  name: string;
  fallbackIndex?: number;
  fallbackName?: string;
};

/** Lower case, accents and everything but letters and digits removed: "E-mail Address" -> "emailaddress". */
export function foldHeaderName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

function rankHeader(cell: string, names: readonly string[]): number {
  const folded = foldHeaderName(cell);
  if (!folded) return -1;
  const exact = names.indexOf(folded);
  if (exact >= 0) return exact;
  const withoutDigits = names.indexOf(folded.replace(/[0-9]/g, ""));
  return withoutDigits >= 0 ? names.length + withoutDigits : -1;
}

function bestColumn(header: readonly string[], names: readonly string[], accept = (_index: number, _folded: string) => true): number {
  let best = -1;
  let bestRank = Infinity;
  header.forEach((cell, index) => {
    const rank = rankHeader(cell, names);
    if (rank >= 0 && rank < bestRank && accept(index, foldHeaderName(cell))) {
      best = index;
      bestRank = rank;
    }
  });
  return best;
}

/** A cell that looks like an address once cleaned: one @ with something on both sides, no spaces. */
export function looksLikeAddress(cell: string): boolean {
  const cleaned = cleanAddressValue(cell);
  return cleaned.length <= ADDRESS_MAX_LENGTH && /^[^\s@]+@[^\s@]+$/.test(cleaned);
}

/** The column with the most address-looking cells, if at least half its filled cells are addresses. */
function addressColumn(records: readonly string[][]): number {
  const hits: number[] = [];
  const filled: number[] = [];
  for (const record of records) {
    record.forEach((cell, index) => {
      if (cell.trim() === "") return;
      filled[index] = (filled[index] ?? 0) + 1;
      if (cell.includes("@") && looksLikeAddress(cell)) hits[index] = (hits[index] ?? 0) + 1;
    });
  }
  let best = -1;
  hits.forEach((count, index) => {
    if (count && count * 2 >= (filled[index] ?? 0) && (best < 0 || count > hits[best]!)) best = index;
  });
  return best;
}

const PREAMBLE_RECORDS = 10;

/**
 * Chooses the email column from the first non-blank records of a file (records[0] is the first
 * non-blank line). The header is the first record with a known column name, within the first
 * ten and above any address (HR exports put a title line or two above it); without one, the
 * column is the one whose values look like addresses. Returns null when no column holds them.
 */
export function chooseEmailColumn(records: readonly string[][]): ColumnChoice | null {
  for (let at = 0; at < Math.min(records.length, PREAMBLE_RECORDS); at++) {
    const choice = chooseByHeader(records, at);
    if (choice) return choice;
    if (records[at]!.some((cell) => cell.includes("@"))) break; // the addresses have begun
  }
  return chooseByValues(records);
}

function chooseByHeader(records: readonly string[][], at: number): ColumnChoice | null {
  const header = records[at]!;
  const body = records.slice(at + 1);
  const email = bestColumn(header, EMAIL_NAMES);
  if (email >= 0) {
    const fallback = bestColumn(header, SIGN_IN_NAMES, (_index, folded) => FALLBACK_NAMES.has(folded));
    return {
      headerAt: at,
      index: email,
      name: header[email]!,
      ...(fallback >= 0 ? { fallbackIndex: fallback, fallbackName: header[fallback]! } : {}),
    };
  }
  // "Username" or "Login" may hold bare account names; prefer a column of real addresses then.
  const signIn = bestColumn(
    header,
    SIGN_IN_NAMES,
    (index, folded) => FALLBACK_NAMES.has(folded) || body.some((record) => record[index]?.includes("@")) || addressColumn(body) < 0,
  );
  return signIn >= 0 ? { headerAt: at, index: signIn, name: header[signIn]! } : null;
}

function chooseByValues(records: readonly string[][]): ColumnChoice | null {
  const index = addressColumn(records);
  if (index < 0) return null;
  // A header cell is filled and never holds an @; otherwise the first line is data (row 1).
  const first = records[0]![index] ?? "";
  const hasHeader = first.trim() !== "" && !first.includes("@");
  return hasHeader ? { headerAt: 0, index, name: first } : { headerAt: -1, index, name: `column ${index + 1}` };
}
