// Email addresses: normalizing, cleaning what people paste into spreadsheets, a pragmatic
// format check, and the edit distance behind "did you mean …". Pure functions; the import
// validator runs them on every row of 100,000-row files, so they avoid allocation. Every one
// runs in time linear in its input (a tenant's cell must not hold the shared event loop):
// plain loops, and patterns only after a length cap.

/** An address is at most this long (RFC 5321 path limits); a longer cell is not one. */
export const ADDRESS_MAX_LENGTH = 320;

// Characters with no visible form (zero-width spaces and joiners, bidi marks, soft hyphens,
// variation selectors, the BOM …): copied along with addresses, never part of one.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The one form addresses are compared in, for uploads, forms, searches and directory data alike
 * (DESIGN.md): invisible characters stripped, trimmed, Unicode NFC, lower-cased. Directory names
 * are compared in it too, so that what an admin types meets what the directory holds.
 */
export function normalizeAddress(value: string): string {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7e) return value.replace(INVISIBLE, "").trim().normalize("NFC").toLowerCase();
  }
  return value.trim().toLowerCase(); // ASCII: nothing invisible, already NFC
}

/** The normal form of a value that may be missing: null for none, and for one of blanks or invisible characters only. */
export const normalizeAddressOrNull = (value: string | null | undefined): string | null => (value ? normalizeAddress(value) || null : null);

/** JavaScript's \s: the whitespace a cell may carry around an address. */
function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x80 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff))
  );
}

// Whitespace, quotes of every kind and zero-width characters surround addresses copied from
// Outlook, web pages or other spreadsheets; list separators (; ,) follow them.
function isSurrounding(c: number): boolean {
  return (
    c === 0x22 ||
    c === 0x27 ||
    c === 0x60 ||
    isSpace(c) ||
    (c >= 0x80 && (c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2019 || c === 0xab || c === 0xbb || (c >= 0x200b && c <= 0x200d) || c === 0x2060))
  );
}

const isSeparator = (c: number) => c === 0x3b || c === 0x2c;

function stripSurrounding(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isSurrounding(value.charCodeAt(start))) start++;
  while (end > start && (isSurrounding(value.charCodeAt(end - 1)) || isSeparator(value.charCodeAt(end - 1)))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** `Name <inside>` followed only by spaces and separators: the inside, else null. */
function angleBracketed(value: string): string | null {
  let end = value.length;
  while (end > 0 && (isSpace(value.charCodeAt(end - 1)) || isSeparator(value.charCodeAt(end - 1)))) end--;
  if (end === 0 || value.charCodeAt(end - 1) !== 0x3e) return null;
  for (let i = end - 2; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (c === 0x3c) return value.slice(i + 1, end - 1);
    if (c === 0x3e) return null;
  }
  return null;
}

/** `addr@host (comment)`: the address, when what precedes the comment is one word with an inner @; else the value. */
function withoutComment(value: string): string {
  let open = -1;
  for (let i = value.length - 2; i >= 0 && open < 0; i--) {
    const c = value.charCodeAt(i);
    if (c === 0x29) return value;
    if (c === 0x28) open = i;
  }
  let end = open;
  while (end > 0 && isSpace(value.charCodeAt(end - 1))) end--;
  let innerAt = false;
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    if (isSpace(c) || c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e) return value;
    if (c === 0x40 && i > 0 && i < end - 1) innerAt = true;
  }
  return innerAt ? value.slice(0, end) : value;
}

/**
 * The bare address inside a cell: strips surrounding spaces and quotes, `mailto:` (and its
 * `?subject=` query), `Name <addr>` / `"Name" <addr>` and a trailing `(comment)`.
 * Not lower-cased: the caller normalizes when it compares.
 */
export function cleanAddressValue(raw: string): string {
  let value = stripSurrounding(raw);
  const angle = angleBracketed(value);
  if (angle !== null) value = stripSurrounding(angle);
  else if (value.endsWith(")")) value = withoutComment(value);
  if (value.length >= 7 && value.slice(0, 7).toLowerCase() === "mailto:") {
    value = value.slice(7);
    const query = value.indexOf("?");
    if (query >= 0) value = value.slice(0, query);
    value = stripSurrounding(value);
  }
  return value;
}

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LABEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * A pragmatic check, not RFC 5321 in full: one @, a local part of at most 64 characters without
 * leading, trailing or doubled dots, a domain with at least one dot whose labels are letters,
 * digits and inner hyphens, a top-level label of letters, no spaces, at most 254 characters.
 */
export function isValidAddressFormat(address: string): boolean {
  if (address.length < 3 || address.length > 254) return false;
  const at = address.indexOf("@");
  if (at < 1 || at > 64 || address.indexOf("@", at + 1) !== -1) return false;
  if (!LOCAL_PART.test(address.slice(0, at))) return false;
  const labels = address.slice(at + 1).split(".");
  if (labels.length < 2) return false;
  for (let i = 0; i < labels.length - 1; i++) if (!DOMAIN_LABEL.test(labels[i]!)) return false;
  return TOP_LABEL.test(labels[labels.length - 1]!);
}

// Reused rows of the dynamic-programming table: no allocation per call.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * Optimal-string-alignment (restricted Damerau-Levenshtein) distance between a and b: insertions,
 * deletions, substitutions and swaps of two adjacent characters each cost 1. Returns max + 1 as
 * soon as the distance is known to exceed max, computing only the diagonal band |i - j| <= max.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  const over = max + 1;
  if (max < 0 || Math.abs(a.length - b.length) > max) return over;
  // Common prefixes and suffixes never change the distance; typos are mostly in the middle.
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return Math.max(n, m) <= max ? Math.max(n, m) : over;
  if (rowA.length <= m + 1) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
    rowC = new Int32Array(m + 2);
  }
  let before = rowA; // row i - 2
  let prev = rowB; // row i - 1
  let cur = rowC; // row i
  for (let j = 0; j <= Math.min(m, max); j++) prev[j] = j;
  if (max + 1 <= m) prev[max + 1] = over;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(m, i + max);
    const ca = a.charCodeAt(start + i - 1);
    const caPrev = i > 1 ? a.charCodeAt(start + i - 2) : -1;
    cur[lo - 1] = lo === 1 ? i : over;
    let rowMin = cur[lo - 1]!;
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(start + j - 1);
      let value = prev[j - 1]! + (ca === cb ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < value) value = del;
      const ins = cur[j - 1]! + 1;
      if (ins < value) value = ins;
      if (i > 1 && j > 1 && ca === b.charCodeAt(start + j - 2) && caPrev === cb) {
        const swap = before[j - 2]! + 1;
        if (swap < value) value = swap;
      }
      if (value > over) value = over;
      cur[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (hi < m) cur[hi + 1] = over;
    if (rowMin > max) return over;
    const spare = before;
    before = prev;
    prev = cur;
    cur = spare;
  }
  return prev[m]! <= max ? prev[m]! : over;
}
