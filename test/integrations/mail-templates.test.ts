// The email templates: the facts an invited person needs, a working button, nothing unescaped.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderArchiveNoticeEmail } from "../../views/emails/archive-notice-email.js";
import { invitationEmailRenderer, renderInvitationEmail } from "../../views/emails/invitation-email.js";

const base = {
  orgName: "Contoso (demo)",
  inviterName: "Alex Admin",
  rateMilli: 725,
  year: 2026,
  joinUrl: "http://localhost:3000/join/AbC_123",
  recipientName: "Casey Member",
};

describe("invitation email", () => {
  it("names the organization, the inviter and the rate, with a Get started button to the link", () => {
    const { subject, html, text } = renderInvitationEmail(base);
    expect(subject).toBe("Alex Admin invited you to MileIQ for Contoso (demo)");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("Hi Casey Member,");
    expect(html).toContain("<strong>$0.725 per mile</strong> for 2026");
    expect(html).toMatch(/<a href="http:\/\/localhost:3000\/join\/AbC_123"[^>]*>Get started<\/a>/);
    expect(html).toContain('role="presentation"');
    expect(html).not.toMatch(/<img|url\(/i);
    expect(text).toContain("Alex Admin invited you to track your business mileage with MileIQ for Contoso (demo).");
    expect(text).toContain("$0.725 per mile for 2026");
    expect(text).toContain("Get started: http://localhost:3000/join/AbC_123");
  });

  it("says the rate is still to come when none is set, and formats cents as dollars", () => {
    expect(renderInvitationEmail({ ...base, rateMilli: null }).text).toContain("Your organization will set its mileage rate soon.");
    expect(renderInvitationEmail({ ...base, rateMilli: 700 }).text).toContain("$0.70 per mile");
  });

  it("escapes every piece of user text", () => {
    const evil = {
      ...base,
      orgName: "A&B <i>Org</i>",
      inviterName: "<script>alert(1)</script>",
      recipientName: `"><img src=x onerror=alert(1)>`,
      joinUrl: `http://localhost:3000/join/x?a=1&b="><script>`,
    };
    const { subject, html, text } = renderInvitationEmail(evil);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<i>Org");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("A&amp;B &lt;i&gt;Org&lt;/i&gt;");
    expect(html).toContain('href="http://localhost:3000/join/x?a=1&amp;b=&quot;&gt;&lt;script&gt;"');
    // The plain-text part and the subject are text, not HTML: shown as typed.
    expect(text).toContain("<script>alert(1)</script> invited you");
    expect(subject).toBe("<script>alert(1)</script> invited you to MileIQ for A&B <i>Org</i>");
  });

  it("keeps the subject on one line and refuses a link that is not http(s)", () => {
    expect(renderInvitationEmail({ ...base, inviterName: "Alex\r\nBcc: x@evil.example" }).subject).toBe(
      "Alex Bcc: x@evil.example invited you to MileIQ for Contoso (demo)",
    );
    expect(() => renderInvitationEmail({ ...base, joinUrl: "javascript:alert(1)" })).toThrow(/http/);
    expect(() => invitationEmailRenderer(base)({ joinUrl: "javascript:alert(1)", recipientName: "x" })).toThrow(/http/);
  });

  it("a reminder says so", () => {
    const { subject, text } = renderInvitationEmail({ ...base, reminder: true });
    expect(subject).toBe("Reminder: Alex Admin invited you to MileIQ for Contoso (demo)");
    expect(text).toContain("Your invitation is still waiting for you.");
  });

  it("the bulk renderer gives exactly what rendering each email gives", () => {
    const shared = { orgName: "O'Brien & <Sons>", inviterName: `Pat "the admin"`, rateMilli: 655, year: 2025 };
    const render = invitationEmailRenderer(shared);
    for (const person of [
      { joinUrl: "https://app.example/join/t1", recipientName: "Ana" },
      { joinUrl: `https://app.example/join/t2?x='"<>&`, recipientName: `<b>O'Neil & "co"</b>` },
    ]) {
      expect(render(person)).toEqual(renderInvitationEmail({ ...shared, ...person }));
    }
  });

  it("the bulk renderer writes names and links exactly as written, $' $` $& and $$ included", () => {
    const render = invitationEmailRenderer({ orgName: "Contoso", inviterName: "Alex Admin", rateMilli: 725, year: 2026 });
    const mail = render({ joinUrl: "https://app.example/join/t$&1", recipientName: "Eve $' Dollar $` $& $$" });
    expect(mail.text).toContain("Hi Eve $' Dollar $` $& $$,\n");
    expect(mail.html).toContain("Hi Eve $&#39; Dollar $` $&amp; $$,");
    expect(mail.text).toContain("Get started: https://app.example/join/t$&1\n");
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("$", "'", "`", "&", "<", "1", "a", " ") }), (name) => {
        const person = { joinUrl: `https://app.example/join/${encodeURIComponent(name)}`, recipientName: name };
        expect(render(person)).toEqual(renderInvitationEmail({ orgName: "Contoso", inviterName: "Alex Admin", rateMilli: 725, year: 2026, ...person }));
      }),
      { numRuns: 500 },
    );
  });
});

describe("invitation email from a service", () => {
  it("says 'You have been invited' when no person invited (Entra provisioning), in the subject, body and footer", () => {
    const { subject, html, text } = renderInvitationEmail({ ...base, inviterName: null });
    expect(subject).toBe("You have been invited to MileIQ for Contoso (demo)");
    expect(html).toContain("You have been invited to track your business mileage with MileIQ for <strong>Contoso (demo)</strong>.");
    expect(text).toContain("You have been invited to track your business mileage with MileIQ for Contoso (demo).");
    expect(text).toContain("This invitation was sent to you for Contoso (demo)");
    for (const body of [html, text]) expect(body).not.toMatch(/null|sent to you by/);
    expect(renderInvitationEmail({ ...base, inviterName: null, reminder: true }).subject).toBe("Reminder: You have been invited to MileIQ for Contoso (demo)");
    expect(
      invitationEmailRenderer({ orgName: "Contoso", inviterName: null, rateMilli: 725, year: 2026 })({ joinUrl: base.joinUrl, recipientName: "Casey" }),
    ).toEqual(renderInvitationEmail({ orgName: "Contoso", inviterName: null, rateMilli: 725, year: 2026, joinUrl: base.joinUrl, recipientName: "Casey" }));
  });
});

describe("archive notice email", () => {
  it("names nobody when a service archived them (Entra provisioning), and says to ask the administrator", () => {
    for (const wasMember of [true, false]) {
      const { subject, html, text } = renderArchiveNoticeEmail({ orgName: "Contoso", recipientName: "Casey", archivedByName: null, wasMember });
      expect(subject).toBe(wasMember ? "Your MileIQ access for Contoso has ended" : "Your MileIQ invitation from Contoso was withdrawn");
      expect(text).toContain(
        wasMember ? "Your MileIQ membership for Contoso has ended." : "Your invitation to track mileage with MileIQ for Contoso was withdrawn.",
      );
      expect(html).toContain(
        wasMember
          ? "Your MileIQ membership for <strong>Contoso</strong> has ended."
          : "Your invitation to track mileage with MileIQ for <strong>Contoso</strong> was withdrawn.",
      );
      for (const body of [html, text]) {
        expect(body).toContain("If you think this is a mistake, ask your administrator to invite you again.");
        expect(body).not.toMatch(/null|ask {2}|ask or/);
      }
    }
  });

  it("tells the person their access ended and who did it, escaped", () => {
    const { subject, html, text } = renderArchiveNoticeEmail({ orgName: "Contoso", recipientName: "<Casey>", archivedByName: "Alex & Admin", wasMember: true });
    expect(subject).toBe("Your MileIQ access for Contoso has ended");
    expect(html).toContain("Hi &lt;Casey&gt;,");
    expect(html).toContain("<strong>Alex &amp; Admin</strong> ended your MileIQ membership");
    expect(text).toContain("Alex & Admin ended your MileIQ membership for Contoso.");
    expect(text).toContain("because you were a member of Contoso");
    expect(html).not.toMatch(/<img/);
  });

  it("tells someone invited who never joined that the invitation was withdrawn, never that they were a member", () => {
    const { subject, html, text } = renderArchiveNoticeEmail({ orgName: "Contoso", recipientName: "Casey", archivedByName: "Alex", wasMember: false });
    expect(subject).toBe("Your MileIQ invitation from Contoso was withdrawn");
    expect(html).toContain("<strong>Alex</strong> withdrew your invitation");
    expect(text).toContain("because you were invited to join Contoso");
    for (const body of [html, text]) {
      expect(body).not.toContain("were a member");
      expect(body).not.toContain("membership");
    }
  });
});
