// How an email is stored (mail-templates.ts, storedMail): an invitation's shared parameters in its
// context and its own on the row. Read back, it must be exactly the email its parameters make.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderMail, renderOutboxRow, storedMail, type MailTemplate } from "../../src/domain/mail-templates.js";

const text = fc.string({ maxLength: 40 });
const link = fc.oneof(
  fc
    .tuple(fc.constantFrom("http://localhost:3000", "https://admin.example/base", "https://a.example/join/x"), fc.string({ minLength: 1, maxLength: 43 }))
    .map(([base, token]) => `${base}/join/${token}`),
  fc.webUrl(),
);
const invitation = fc.record({
  orgName: text,
  inviterName: fc.option(text),
  rateMilli: fc.option(fc.nat({ max: 2000 })),
  year: fc.integer({ min: 2020, max: 2040 }),
  recipientName: text,
  joinUrl: link,
  reminder: fc.boolean(),
});

describe("an email as stored", () => {
  it("reads back as the email its parameters make, invitation or reminder, whatever the link", () => {
    fc.assert(
      fc.property(invitation, ({ reminder, ...params }) => {
        const mail: MailTemplate = { template: "invitation", params: { ...params, ...(reminder ? { reminder: true as const } : {}) } };
        const stored = storedMail(mail);
        // A link with /join/ keeps only its token on the row; the rest is the context's.
        if (params.joinUrl.includes("/join/"))
          expect(JSON.parse(stored.params)).toEqual([params.recipientName, params.joinUrl.slice(params.joinUrl.lastIndexOf("/join/") + 6)]);
        else expect(stored.context).toBeNull();
        expect(renderOutboxRow({ template: "invitation", ...stored })).toEqual(renderMail(mail));
      }),
    );
  });

  it("keeps an archive notice's parameters on the row", () => {
    const mail: MailTemplate = { template: "archive_notice", params: { orgName: "Contoso", recipientName: "Ana", archivedByName: null, wasMember: true } };
    const stored = storedMail(mail);
    expect(stored.context).toBeNull();
    expect(renderOutboxRow({ template: "archive_notice", ...stored })).toEqual(renderMail(mail));
  });

  it("refuses to render a row stored with a context without the context", () => {
    const stored = storedMail({
      template: "invitation",
      params: { orgName: "Contoso", inviterName: null, rateMilli: null, year: 2026, recipientName: "Ana", joinUrl: "https://a.example/join/t" },
    });
    expect(() => renderOutboxRow({ template: "invitation", params: stored.params })).toThrow(/context/);
  });
});
