// An email address that wraps only between its parts: a <wbr> after each "@" and ".", and CSS
// that never breaks inside a part (static/app.css, .email). So "aaliyah.foster@contoso.example"
// stays on one line where it fits and otherwise breaks as "aaliyah.foster@" / "contoso.example",
// never as "contoso.e" / "xample".
import { raw } from "hono/html";
import { escapeHtml } from "./escape.js";
import { trustedHtml, type SafeHtml } from "./safe-html.js";

/** The address escaped, with a <wbr> after each @ and dot (neither occurs inside an entity). */
export function addressHtml(address: string): string {
  return escapeHtml(address).replace(/[@.]/g, "$&<wbr>");
}

/** addressHtml as SafeHtml, for `markup` templates. */
export function addressMarkup(address: string): SafeHtml {
  return trustedHtml(addressHtml(address));
}

export function Address(props: { value: string }) {
  return raw(addressHtml(props.value));
}
