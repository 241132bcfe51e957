// The shell every email shares: table layout and inline styles (what mail clients render
// reliably), no images (the brand is text), a hidden preheader, a footer line.
import type { Child } from "hono/jsx";

export const colors = { ink: "#1f2933", muted: "#52606d", brand: "#0b63ce", line: "#e4e7eb", page: "#f5f7fa" };
const font = "font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;";

export function EmailFrame(props: { title: string; preheader: string; footer: Child; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{props.title}</title>
      </head>
      <body style={`margin:0;padding:0;background:${colors.page};`}>
        <div style="display:none;max-height:0;overflow:hidden;opacity:0;">{props.preheader}</div>
        <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} style={`background:${colors.page};`}>
          <tr>
            <td align="center" style="padding:24px 12px;">
              <table
                role="presentation"
                width="100%"
                cellpadding={0}
                cellspacing={0}
                border={0}
                style={`max-width:560px;background:#ffffff;border:1px solid ${colors.line};border-radius:8px;`}
              >
                <tr>
                  <td style={`padding:20px 32px;border-bottom:1px solid ${colors.line};${font}font-size:20px;font-weight:700;color:${colors.brand};`}>
                    MileIQ <span style={`font-weight:400;color:${colors.muted};font-size:16px;`}>Admin Center</span>
                  </td>
                </tr>
                <tr>
                  <td style={`padding:28px 32px;${font}font-size:16px;line-height:1.5;color:${colors.ink};`}>{props.children}</td>
                </tr>
              </table>
              <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} style="max-width:560px;">
                <tr>
                  <td style={`padding:16px 32px;${font}font-size:12px;line-height:1.5;color:${colors.muted};`}>{props.footer}</td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

export function Paragraph(props: { children: Child }) {
  return <p style="margin:0 0 16px 0;">{props.children}</p>;
}

/** A "bulletproof" button: a padded table cell around the link, so it shows without CSS support or images. */
export function EmailButton(props: { href: string; children: Child }) {
  return (
    <table role="presentation" cellpadding={0} cellspacing={0} border={0} style="margin:8px 0 24px 0;">
      <tr>
        <td align="center" bgcolor={colors.brand} style={`border-radius:6px;background:${colors.brand};`}>
          <a
            href={props.href}
            // biome-ignore lint/security/noBlankTarget: a mail client opens the link; there is no opener page to protect.
            target="_blank"
            style={`display:inline-block;padding:12px 28px;${font}font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;`}
          >
            {props.children}
          </a>
        </td>
      </tr>
    </table>
  );
}

/** hono/jsx renders synchronously here (no async components): a plain string with a doctype. */
export function renderEmailHtml(node: { toString(): unknown }): string {
  const html = node.toString();
  if (typeof html !== "string" && !(html instanceof String)) throw new Error("email templates must render synchronously");
  return `<!DOCTYPE html>${String(html)}`;
}

/** Subjects are one line: a name with a line break must not start a new header. */
export const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, " ").trim();
