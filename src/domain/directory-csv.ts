// Reading an Entra admin center "Download users" export (the directory:import command and the
// demo seed) with the upload reader's decoding and record splitting (csv-decode.ts,
// csv-records.ts) and its header folding (csv-columns.ts): UTF-8 with or without BOM, UTF-16,
// Windows-1252; comma, semicolon or tab. A file that cannot be read is refused whole; a row that
// cannot be trusted (control characters, an invalid address, a duplicate) is rejected with its
// line number (the header is line 1, as in a spreadsheet).
import { isValidAddressFormat, normalizeAddress } from "./addresses.js";
import { foldHeaderName } from "./csv-columns.js";
import { decodeCsvBytes, type CsvEncoding } from "./csv-decode.js";
import { cellAt, guessDelimiter, guessNewline, isBlank, parseRecords, splitSeparatorHint, type CsvDelimiter } from "./csv-records.js";
import type { DirectoryPersonInput } from "./directory.js";

/** A person of the file; a guest (userType Guest, or #EXT# in the UPN) belongs to another organization's domain. */
export type DirectoryFileRow = DirectoryPersonInput & { line: number; guest: boolean };
export type DirectoryRejection = { line: number; reason: string };

export type DirectoryCsvRead =
  | { ok: true; encoding: CsvEncoding; delimiter: CsvDelimiter; people: DirectoryFileRow[]; rejected: DirectoryRejection[] }
  | { ok: false; message: string };

type Field = keyof DirectoryPersonInput | "blockSignIn" | "userType";

// Header names after foldHeaderName: Entra's export, and the older portal's ("Object Id", "Block sign in").
const COLUMNS: Record<string, Field> = {
  id: "entraObjectId",
  objectid: "entraObjectId",
  userprincipalname: "userPrincipalName",
  upn: "userPrincipalName",
  displayname: "displayName",
  givenname: "givenName",
  firstname: "givenName",
  surname: "surname",
  lastname: "surname",
  mail: "mail",
  email: "mail",
  emailaddress: "mail",
  jobtitle: "jobTitle",
  department: "department",
  accountenabled: "accountEnabled",
  blocksignin: "blockSignIn",
  usertype: "userType",
};

const EXPORT_AGAIN = "export the users again from the Entra admin center (Users > Download users)";
// C0 and C1 controls, DEL, and U+FFFD (bytes that did not decode): never in a directory value.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is to find control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffd]/;
const YES = ["true", "yes"];
const NO = ["false", "no"];

export function readDirectoryCsv(bytes: Uint8Array): DirectoryCsvRead {
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) {
    return {
      ok: false,
      message:
        decoded.code === "empty"
          ? `The file is empty: ${EXPORT_AGAIN}.`
          : `The file is not CSV text (it contains binary data): ${EXPORT_AGAIN}, or save it from Excel as CSV UTF-8.`,
    };
  }
  const { text, delimiter: hinted } = splitSeparatorHint(decoded.text);
  const sample = text.slice(0, 1 << 16);
  const format = { delimiter: hinted ?? guessDelimiter(sample), newline: guessNewline(sample) };
  const parsed = parseRecords(text, format, false);
  const unclosed = parsed.errors.find((error) => error.code === "MissingQuotes");
  if (unclosed) {
    return {
      ok: false,
      message: `Line ${(unclosed.row ?? 0) + 1} opens a quote (") that never closes, so the rest of the file reads as one cell: remove the stray quote, or ${EXPORT_AGAIN}.`,
    };
  }
  const records = parsed.data;
  const headerAt = records.findIndex((cells) => !isBlank(cells));
  if (headerAt < 0) return { ok: false, message: `The file is empty: ${EXPORT_AGAIN}.` };
  const index = new Map<Field, number>();
  records[headerAt]!.forEach((_, i) => {
    const field = COLUMNS[foldHeaderName(cellAt(records[headerAt]!, i))];
    if (field && !index.has(field)) index.set(field, i);
  });
  if (!index.has("userPrincipalName") && !index.has("mail")) {
    return { ok: false, message: `Line ${headerAt + 1} (the header) has no userPrincipalName or mail column: ${EXPORT_AGAIN}.` };
  }
  const people: DirectoryFileRow[] = [];
  const rejected: DirectoryRejection[] = [];
  const seen = { upn: new Map<string, number>(), oid: new Map<string, number>() };
  for (let r = headerAt + 1; r < records.length; r++) {
    const cells = records[r]!;
    if (isBlank(cells)) continue;
    const line = r + 1;
    const row = readRow(cells, index, line);
    if (typeof row === "string") {
      rejected.push({ line, reason: row });
      continue;
    }
    const key = normalizeAddress(row.userPrincipalName ?? row.mail!);
    const oid = row.entraObjectId?.toLowerCase();
    const earlier = seen.upn.get(key) ?? (oid ? seen.oid.get(oid) : undefined);
    if (earlier !== undefined) {
      rejected.push({
        line,
        reason: `${seen.upn.has(key) ? `${row.userPrincipalName ? "userPrincipalName" : "mail"} ${key}` : `id ${oid}`} is also on line ${earlier}`,
      });
      continue;
    }
    seen.upn.set(key, line);
    if (oid) seen.oid.set(oid, line);
    people.push(row);
  }
  if (people.length === 0 && rejected.length === 0) {
    return { ok: false, message: `The file has a header but nobody below it: ${EXPORT_AGAIN}.` };
  }
  return { ok: true, encoding: decoded.encoding, delimiter: format.delimiter, people, rejected };
}

/** The person on one line, or why the line is rejected. */
function readRow(cells: string[], index: Map<Field, number>, line: number): DirectoryFileRow | string {
  const values = new Map<Field, string>();
  for (const [field, at] of index) {
    const value = cellAt(cells, at).trim();
    const control = CONTROL.exec(value);
    if (control)
      return `${field} contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}): the file may have been saved in another encoding`;
    if (value) values.set(field, value);
  }
  const get = (field: Field) => values.get(field) ?? null;
  const upn = get("userPrincipalName");
  const mail = get("mail");
  if (!upn && !mail) return "neither userPrincipalName nor mail is filled in";
  for (const [label, value] of [
    ["userPrincipalName", upn],
    ["mail", mail],
  ] as const) {
    if (value && !isValidAddressFormat(value)) return `${label} "${value}" is not a valid address`;
  }
  const enabled = get("accountEnabled")?.toLowerCase();
  const blocked = get("blockSignIn")?.toLowerCase();
  for (const [label, value] of [
    ["accountEnabled", enabled],
    ["Block sign in", blocked],
  ] as const) {
    if (value !== undefined && ![...YES, ...NO].includes(value)) return `${label} "${value}" must be true or false`;
  }
  return {
    line,
    entraObjectId: get("entraObjectId"),
    userPrincipalName: upn,
    mail,
    displayName: get("displayName") ?? [get("givenName"), get("surname")].filter(Boolean).join(" "),
    givenName: get("givenName"),
    surname: get("surname"),
    jobTitle: get("jobTitle"),
    department: get("department"),
    accountEnabled: enabled !== undefined ? YES.includes(enabled) : blocked !== undefined ? NO.includes(blocked) : true,
    guest: get("userType")?.toLowerCase() === "guest" || /#ext#/i.test(upn ?? ""),
  };
}

/** The domain of an address, lower-cased; null when there is none. */
export function domainOfAddress(address: string | null): string | null {
  const at = address?.lastIndexOf("@") ?? -1;
  return address && at > 0 ? address.slice(at + 1).toLowerCase() || null : null;
}
