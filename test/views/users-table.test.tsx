// The Users table is drawn from one list of columns (views/users/user-columns.ts): the head row
// and every body row have a cell per column, and every cell's text is escaped by the markup tag.
import { describe, expect, it } from "vitest";
import type { MemberRow } from "../../src/domain/members.js";
import { markup, trustedHtml } from "../../views/components/safe-html.js";
import { userColumns } from "../../views/users/user-columns.js";
import { UserRow } from "../../views/users/user-row.js";
import { UserResults } from "../../views/users/users-page.js";

const hostile = `<img src=x onerror=alert(1)>"'&`;
const row = (status: MemberRow["status"], extra: Partial<MemberRow> = {}): MemberRow => ({
  id: `0190a0b0-0000-7000-8000-00000000000${status.length}`,
  name: hostile,
  email: `${hostile}@example.com`,
  status,
  invitedAt: new Date(),
  activatedAt: null,
  archivedAt: null,
  jobTitle: hostile,
  department: null,
  leftDirectory: false,
  accountDisabled: false,
  bounce: null,
  ...extra,
});

describe("the Users table", () => {
  it("has a header per column, and a cell per column in every row", () => {
    const rows = [row("invited"), row("active", { activatedAt: new Date() }), row("archived", { leftDirectory: true })];
    const html = String(<UserResults status={undefined} q="" counts={{ all: 3, invited: 1, active: 1, archived: 1 }} page={{ rows, next: null }} />);
    expect(html.match(/<th scope="col"/g)).toHaveLength(userColumns.length);
    const bodyRows = [...html.matchAll(/<tr id="member-[^"]+">(.*?)<\/tr>/g)].map((m) => m[1]!);
    expect(bodyRows).toHaveLength(3);
    for (const cells of bodyRows) expect(cells.match(/<td[ >]/g)).toHaveLength(userColumns.length);
  });

  it("escapes the directory's and the members' text in every cell, on the page and in a refreshed row", () => {
    for (const html of [
      String(
        <UserResults status={undefined} q={hostile} counts={{ all: 1, invited: 1, active: 0, archived: 0 }} page={{ rows: [row("invited")], next: null }} />,
      ),
      String(<UserRow row={row("archived")} list={`q=${hostile}`} />),
    ]) {
      expect(html).not.toContain("<img");
      expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
    }
  });

  it("names each row's controls with the address too, so two people of the same name are told apart; no empty Pages nav", () => {
    const twins = [
      row("invited", { id: "0190a0b0-0000-7000-8000-000000000001", name: "Aaliyah Hall", email: "aaliyah.hall@example.com" }),
      row("invited", { id: "0190a0b0-0000-7000-8000-000000000002", name: "Aaliyah Hall", email: "aaliyah.hall2@example.com" }),
    ];
    const html = String(<UserResults status={undefined} q="" counts={{ all: 2, invited: 2, active: 0, archived: 0 }} page={{ rows: twins, next: null }} />);
    for (const email of ["aaliyah.hall@example.com", "aaliyah.hall2@example.com"]) {
      expect(html).toContain(`aria-label="Select Aaliyah Hall, ${email}"`);
      expect(html).toContain(`aria-label="Resend invitation to Aaliyah Hall, ${email}"`);
      expect(html).toContain(`aria-label="Archive Aaliyah Hall, ${email}"`);
    }
    expect(html).not.toContain('aria-label="Pages"');
  });

  it("markup escapes every value put into it, except markup", () => {
    expect(markup`<b title="${hostile}">${hostile}</b>`.value).toBe(
      `<b title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</b>`,
    );
    expect(markup`<p>${markup`<i>${"a<b"}</i>`}${trustedHtml("<br>")}${3}${null}${false}</p>`.value).toBe("<p><i>a&lt;b</i><br>3</p>");
  });
});
