// Markup built as a string for speed (the rows of a long list), escaped by default: every value
// put into a `markup` template is escaped unless it is already SafeHtml (made by `markup` itself,
// or by `trustedHtml` for markup of our own). Forgetting to escape is not possible: a value is
// escaped by the tag, never by the caller. The same escaping as JSX and hono's html tag.
import { escapeHtml } from "./escape.js";

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a `markup` template accepts: text (escaped), numbers, safe markup, or nothing. */
export type MarkupValue = SafeHtml | string | number | null | undefined | false;

export const EMPTY_HTML = new SafeHtml("");

export function markup(strings: TemplateStringsArray, ...values: MarkupValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "string") out += escapeHtml(value);
    else if (value instanceof SafeHtml) out += value.value;
    else if (value != null && value !== false) out += String(value);
    out += strings[i + 1]!;
  }
  return new SafeHtml(out);
}

/** Markup that is ours alone (constants, our own formatting): never text from a user, a file or the directory. */
export function trustedHtml(ours: string): SafeHtml {
  return new SafeHtml(ours);
}
