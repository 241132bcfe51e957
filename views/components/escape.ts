// Escaping for markup written by hand (the hot rows of a list, see users/user-row.ts; the
// invitation email's template): the same five characters and entities as hono's html helper, so
// the output is the same as JSX's.
import { escapeToBuffer } from "hono/utils/html";

const SPECIAL = /[&<>"']/;

/** Text or an attribute value (in double quotes), escaped. */
export function escapeHtml(value: string): string {
  if (!SPECIAL.test(value)) return value;
  const buffer: [string] = [""];
  escapeToBuffer(value, buffer);
  return buffer[0];
}
