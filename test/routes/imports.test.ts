// Bulk upload routes through app.request(): a real database, real sessions, the real worker
// functions (drainImports) between requests.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importRows, imports, invitations, members } from "../../src/db/schema.js";
import { claimImport, drainImports } from "../../src/jobs/import-worker.js";
import { sendImportChunk } from "../../src/domain/import-send.js";
import { createImport } from "../../src/domain/imports.js";
import { actorFor } from "../support/security-fixtures.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";

let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;

const drain = () => drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl, chunkSize: 7, sendChunkSize: 5 });

function fileForm(text: string | Uint8Array, name = "people.csv"): FormData {
  const form = new FormData();
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name, { type: "text/csv" }));
  return form;
}

async function upload(text: string | Uint8Array, name?: string, options: { htmx?: boolean; cookie?: string } = {}) {
  return t.post("/imports", fileForm(text, name), { cookie: options.cookie ?? admin, htmx: options.htmx });
}

async function uploadAndCheck(text: string, name?: string): Promise<string> {
  const response = await upload(text, name);
  expect(response.status).toBe(303);
  const id = response.headers.get("Location")!.split("/").pop()!;
  await drain();
  return id;
}

const importCount = async () => (await t.deps.db.select({ n: sql<number>`count(*)` }).from(imports))[0]!.n;

beforeEach(async () => {
  t = await createTestApp({ env: { IMPORT_MAX_BYTES: "4096", IMPORT_MAX_ROWS: "50" } });
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 12 });
  await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example", extra: 2 });
  admin = await t.signInAs("admin@contoso.example");
  member = await t.signInAs("member@contoso.example");
  otherAdmin = await t.signInAs("admin@fabrikam.example");
});
afterEach(() => t.close());

describe("the upload dialog and the sample", () => {
  it("shows what the file must contain, the sample link, a file input and Upload; htmx gets the fragment", async () => {
    const page = await t.get("/imports/new", { cookie: admin });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<!doctype html>");
    expect(html).toMatch(/column named <strong>email<\/strong>/);
    expect(html).toContain('href="/imports/sample.csv"');
    expect(html).toMatch(/<input[^>]*type="file"[^>]*>/);
    expect(html).toContain('enctype="multipart/form-data"');
    const fragment = await (await t.get("/imports/new", { cookie: admin, htmx: true })).text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain('id="bulk-upload"');
  });

  it("serves a sample with an email header and two example rows", async () => {
    const response = await t.get("/imports/sample.csv", { cookie: admin });
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe("email");
    expect(lines).toHaveLength(3);
  });

  it("answers 403 to a member without the role on every route, and creates nothing", async () => {
    for (const path of ["/imports/new", "/imports/sample.csv"]) expect((await t.get(path, { cookie: member })).status).toBe(403);
    expect((await upload("email\nperson1@contoso.example\n", "x.csv", { cookie: member })).status).toBe(403);
    const id = await uploadAndCheck("email\nperson1@contoso.example\n");
    for (const path of [`/imports/${id}`, `/imports/${id}/status`, `/imports/${id}/errors.csv`, `/imports/${id}/suggestions`]) {
      expect((await t.get(path, { cookie: member })).status).toBe(403);
    }
    for (const path of [`/imports/${id}/send`, `/imports/${id}/use-suggestions`]) expect((await t.post(path, {}, { cookie: member })).status).toBe(403);
    expect(await importCount()).toBe(1);
  });
});

describe("POST /imports", () => {
  it("stores the rows as given, answers 303 to the import page, and the job checks them", async () => {
    const response = await upload("Name,E-mail\r\nPerson One,person1@contoso.example\r\n\r\nPerson Two, PERSON2@Contoso.Example \r\n");
    expect(response.status).toBe(303);
    const id = response.headers.get("Location")!.replace("/imports/", "");
    const rows = await t.deps.db.select().from(importRows).where(eq(importRows.importId, id)).orderBy(importRows.rowNumber);
    expect(rows.map((r) => [r.rowNumber, r.value])).toEqual([
      [2, "person1@contoso.example"],
      [4, " PERSON2@Contoso.Example "],
    ]);
    await drain();
    const page = await (await t.get(`/imports/${id}`, { cookie: admin })).text();
    expect(page).toContain("comma-separated, header row, column &#39;E-mail&#39;, 2 rows");
    expect(page).toMatch(/<span class="count">2<\/span> ready to invite/);
    expect(page).toContain("Send Invite");
  });

  it("with htmx answers the progress widget, polling every second while the job runs", async () => {
    const response = await upload("email\nperson1@contoso.example\n", "x.csv", { htmx: true });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain("<html");
    expect(html).toMatch(/<progress[^>]*value="0"/);
    expect(html).toContain('hx-trigger="every 1s"');
    // The widget is not a live region (it would read "N of M" every second); the page's status says the check started.
    expect(html).not.toContain("aria-live");
    expect(html).toContain('<hx-partial hx-target="#page-status" hx-swap="textContent">Checking rows started.</hx-partial>');
  });

  const refusals: [string, string | Uint8Array, RegExp][] = [
    ["an empty file", "", /empty/i],
    [
      "a binary file",
      Uint8Array.from([
        0x89,
        0x50,
        0x4e,
        0x47,
        0x0d,
        0x0a,
        0x1a,
        0x0a,
        0,
        0,
        0,
        13,
        0x49,
        0x48,
        0x44,
        0x52,
        ...Array(200)
          .fill(0)
          .map((_, i) => (i * 37) % 256),
      ]),
      /not a CSV text file/,
    ],
    ["a file over the size limit", `email\n${"someone.with.a.long.name@contoso.example\n".repeat(120)}`, /larger than|limit/],
    ["a file over the row limit", `email\n${Array.from({ length: 60 }, (_, i) => `p${i}@contoso.example`).join("\n")}\n`, /more than 50 rows/],
    ["a file without an address column", "name,phone\nAda,555\nGrace,556\n", /no column of email addresses/],
  ];
  for (const [what, content, message] of refusals) {
    it(`refuses ${what} at once with 422 and a message, creating nothing`, async () => {
      const response = await upload(content);
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toMatch(message);
      expect(html).toContain('type="file"');
      expect(await importCount()).toBe(0);
      expect((await t.deps.db.select({ n: sql<number>`count(*)` }).from(importRows))[0]!.n).toBe(0);
    });
  }

  it("refuses a request without a file, or not sent as multipart", async () => {
    const none = new FormData();
    none.append("note", "no file here");
    const withoutFile = await t.post("/imports", none, { cookie: admin, htmx: true });
    expect(withoutFile.status).toBe(422);
    expect(await withoutFile.text()).toContain("Choose a CSV or Excel (.xlsx) file");
    const notChosen = new FormData();
    notChosen.append("file", new File([], "", { type: "application/octet-stream" }));
    expect(await (await t.post("/imports", notChosen, { cookie: admin, htmx: true })).text()).toContain("Choose a CSV or Excel (.xlsx) file");
    const urlencoded = await t.post("/imports", { file: "not a file" }, { cookie: admin, htmx: true });
    expect(urlencoded.status).toBe(422);
    expect(await urlencoded.text()).toContain("could not be read");
    expect(await importCount()).toBe(0);
  });

  it("finds the file among other fields, with quotes and accents in its name", async () => {
    const form = new FormData();
    form.append("note", "--not-a-boundary\r\n");
    form.append("file", new File([new TextEncoder().encode("email\nperson1@contoso.example\n")], 'Équipe "Nord".csv', { type: "text/csv" }));
    form.append("after", "x");
    const response = await t.post("/imports", form, { cookie: admin });
    expect(response.status).toBe(303);
    const [row] = await t.deps.db.select().from(imports);
    expect(row).toMatchObject({ fileName: 'Équipe "Nord".csv', total: 1 });
  });

  it("refuses a body over the limit from Content-Length before reading it", async () => {
    const response = await t.app.request(`${ORIGIN}/imports`, {
      method: "POST",
      headers: { Origin: ORIGIN, Cookie: admin, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(10 * 1024 * 1024) },
      body: "--x--",
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("larger than");
    expect(await importCount()).toBe(0);
  });
});

describe("another organization's import", () => {
  it("is not found on any route", async () => {
    const id = await uploadAndCheck("email\nperson1@contoso.example\nperson2@contoso.exmaple\n");
    for (const path of [`/imports/${id}`, `/imports/${id}/status`, `/imports/${id}/errors.csv`, `/imports/${id}/suggestions`]) {
      expect((await t.get(path, { cookie: otherAdmin })).status).toBe(404);
    }
    for (const path of [`/imports/${id}/send`, `/imports/${id}/use-suggestions`]) {
      expect((await t.post(path, {}, { cookie: otherAdmin })).status).toBe(404);
    }
    expect((await t.get("/imports/not-an-id", { cookie: admin })).status).toBe(404);
    const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
    expect(row!.sendRequestedAt).toBeNull();
    expect(row!.suggestionsRequestedAt).toBeNull();
  });
});

describe("escaping", () => {
  it("escapes the file name and the cells on the page, the widget, the Users page and the suggestions", async () => {
    const id = await uploadAndCheck(
      'email\n"<script>alert(1)</script>@contoso.example"\nperson1@contoso.example\n<img src=x onerror=alert(2)>\npreson2@contoso.example\n',
      "<img src=x onerror=alert('name')>.csv",
    );
    for (const path of [`/imports/${id}`, `/imports/${id}/status`, "/users", `/imports/${id}/suggestions`]) {
      const html = await (await t.get(path, { cookie: admin })).text();
      expect(html, path).not.toContain("<script>alert");
      expect(html, path).not.toContain("<img src=x");
      expect(html, path).not.toContain("<img src=x onerror=alert('name')>");
    }
    const page = await (await t.get(`/imports/${id}`, { cookie: admin })).text();
    expect(page).toContain("&lt;img src=x onerror=alert(&#39;name&#39;)&gt;.csv");
    expect(page).toContain("&lt;img src=x onerror=alert(2)&gt;");
    const csv = await t.get(`/imports/${id}/errors.csv`, { cookie: admin });
    expect(csv.headers.get("Content-Disposition")).toBe('attachment; filename="errors-_img_src_x_onerror_alert_name_.csv"');
  });
});

describe("Send Invite", () => {
  it("invites every ready row once, however often it is pressed, and the widget stops polling when done", async () => {
    const id = await uploadAndCheck(["email", ...Array.from({ length: 12 }, (_, i) => `person${i + 1}@contoso.example`), "nobody@contoso.example"].join("\n"));
    const done = await (await t.get(`/imports/${id}/status`, { cookie: admin, htmx: true })).text();
    expect(done).not.toContain("hx-trigger");
    expect(done).toContain("Send Invite");

    const first = await t.post(`/imports/${id}/send`, {}, { cookie: admin, htmx: true });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('hx-trigger="every 1s"');
    const again = await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    expect(again.status).toBe(303);
    await drain();
    expect((await t.post(`/imports/${id}/send`, {}, { cookie: admin })).status).toBe(303);
    await drain();

    const count = async (table: typeof members | typeof invitations) => (await t.deps.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n;
    expect(await count(members)).toBe(12);
    expect(await count(invitations)).toBe(12);
    const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
    // Ready counts the rows still to invite: none once everyone is invited.
    expect(row).toMatchObject({ status: "sent", sentCount: 12, readyCount: 0, errorCount: 1 });
    const status = await (await t.get(`/imports/${id}/status`, { cookie: admin, htmx: true })).text();
    expect(status).not.toContain("hx-trigger");
    expect(status).toContain("12 people were invited");
  });

  it("commits several parts at a time: the people invited, the rows marked sent and the counts move together, one transaction at a time", async () => {
    const id = await uploadAndCheck(["email", ...Array.from({ length: 12 }, (_, i) => `person${i + 1}@contoso.example`)].join("\n"));
    expect((await t.post(`/imports/${id}/send`, {}, { cookie: admin })).status).toBe(303);
    const owner = "test-worker";
    expect((await claimImport(t.deps.db, owner, 15_000))?.id).toBe(id);
    const options = { chunkSize: 3, transactionRows: 7, transactionMs: 60_000, leaseMs: 15_000, publicUrl: t.deps.config.publicUrl };
    const state = async () => {
      const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
      const marked = (await t.deps.db.select().from(importRows).where(eq(importRows.importId, id))).filter((r) => r.sentAt !== null).length;
      const invited = (await t.deps.db.select({ n: sql<number>`count(*)` }).from(members))[0]!.n;
      return { status: row!.status, sentCount: row!.sentCount, readyCount: row!.readyCount, marked, invited };
    };
    // Parts of 3 until the transaction holds 7 rows or more: 9; then the other 3 and the end, together.
    expect(await sendImportChunk(t.deps.db, id, owner, options)).toBe("more");
    expect(await state()).toEqual({ status: "sending", sentCount: 9, readyCount: 3, marked: 9, invited: 9 });
    expect(await sendImportChunk(t.deps.db, id, owner, options)).toBe("done");
    expect(await state()).toEqual({ status: "sent", sentCount: 12, readyCount: 0, marked: 12, invited: 12 });
    expect(await sendImportChunk(t.deps.db, id, "another-worker", options)).toBe("lost");
  });

  it("once done, offers Done and refreshes the Users list behind the dialog (rows, counts, recent uploads)", async () => {
    const id = await uploadAndCheck("email\nperson1@contoso.example\nperson2@contoso.example\n", "pair.csv");
    const fromUsers = { "HX-Current-URL": "http://localhost:3000/users?status=invited" };
    const sending = await (await t.post(`/imports/${id}/send`, {}, { cookie: admin, htmx: true, headers: fromUsers })).text();
    // Still sending: no list to refresh yet; only the Users page's mail progress starts polling.
    expect(sending).not.toContain('hx-target="#user-results"');
    expect(sending).toContain('<hx-partial hx-target="#mail-progress" hx-swap="innerHTML">');
    await drain();
    const done = await (await t.get(`/imports/${id}/status`, { cookie: admin, htmx: true, headers: fromUsers })).text();
    // In the dialog Done closes it: a button, not a link.
    expect(done).toMatch(/<button type="button" class="secondary" data-close-dialog="true">Done<\/button>/);
    expect(done).toContain('<hx-partial hx-target="#page-status" hx-swap="textContent">People invited: 2 people.</hx-partial>');
    expect(done).toContain('<hx-partial hx-target="#user-results" hx-swap="outerHTML">');
    expect(done).toMatch(/<hx-partial hx-target="#status-filter" hx-swap="outerHTML">[\s\S]*Invited <span class="count">2<\/span>/);
    expect(done).toMatch(/<hx-partial hx-target="#recent-imports" hx-swap="outerHTML">[\s\S]*pair\.csv[\s\S]*Invited/);
    expect(done.replaceAll("<wbr>", "")).toContain("person1@contoso.example");
    // Polled from the import page itself: no list there to refresh.
    const onPage = await (
      await t.get(`/imports/${id}/status`, { cookie: admin, htmx: true, headers: { "HX-Current-URL": `http://localhost:3000/imports/${id}` } })
    ).text();
    expect(onPage).not.toContain('hx-target="#user-results"');
    expect(onPage).toContain(">Done</a>"); // on a page of its own Done is a link back to Users
  });

  it("re-checks at send time: someone invited meanwhile is skipped, not invited twice", async () => {
    const id = await uploadAndCheck("email\nperson1@contoso.example\nperson2@contoso.example\n");
    const again = await uploadAndCheck("email\nperson2@contoso.example\n");
    await t.post(`/imports/${again}/send`, {}, { cookie: admin });
    await drain();
    await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    await drain();
    const rows = await t.deps.db.select().from(importRows).where(eq(importRows.importId, id)).orderBy(importRows.rowNumber);
    expect(rows.map((r) => [r.code, r.outcome])).toEqual([
      ["ready", "ready"],
      ["already_invited", "skipped"],
    ]);
    const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
    expect(row).toMatchObject({ sentCount: 1, readyCount: 0, skippedCount: 1 });
  });

  it("answers 409 with the widget while the rows are still being checked", async () => {
    const response = await upload("email\nperson1@contoso.example\n");
    const id = response.headers.get("Location")!.split("/").pop()!;
    const early = await t.post(`/imports/${id}/send`, {}, { cookie: admin, htmx: true });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("still being checked");
  });

  it("says so to a plain form post too (409 and the import page with the message, not a silent 303), and sends nothing", async () => {
    const response = await upload("email\nperson1@contoso.example\n");
    const id = response.headers.get("Location")!.split("/").pop()!;
    const early = await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    expect(early.status).toBe(409);
    expect(early.headers.get("Location")).toBeNull();
    const page = await early.text();
    expect(page).toContain("<html");
    expect(page).toContain("The rows are still being checked. Send Invite once the check is done.");
    // The page refreshes itself without JavaScript: to the import's address, not the POST's.
    expect(page).toContain(`<meta http-equiv="refresh" content="2; url=/imports/${id}">`);
    await drain();
    expect(await t.deps.db.select().from(members)).toHaveLength(0);
    const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
    expect(row!.sendRequestedAt).toBeNull();
  });

  it("with no one ready, a plain form post says so with 409 instead of a silent 303", async () => {
    const id = await uploadAndCheck("email\nnobody@contoso.example\n");
    const response = await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("No one in this file is ready to invite.");
  });
});

describe("the error log", () => {
  it("is UTF-8 with a BOM, lists skipped and error rows as uploaded, neutralises formulas, and round-trips", async () => {
    const file = [
      "email,name",
      "person1@contoso.example,One",
      "PERSON1@contoso.example,One again",
      '"=HYPERLINK(""http://evil"")",Formula',
      "+person2@contoso.example,Plus",
      "-1,Minus",
      "@SUM(A1),At",
      "person3@contoso.exmaple,Domain typo",
      ",Empty",
      "ghost@contoso.example,Ghost",
      "person4@contoso.example,Ready",
    ].join("\r\n");
    const id = await uploadAndCheck(file, "team.csv");
    const response = await t.get(`/imports/${id}/errors.csv`, { cookie: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="errors-team.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("row,email,problem,suggestion,detail");
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual([
      "3,PERSON1@contoso.example",
      '4,"\'=HYPERLINK(""http://evil"")"',
      "5,'+person2@contoso.example",
      "6,'-1",
      "7,'@SUM(A1)",
      "8,person3@contoso.exmaple",
      "9,",
      "10,ghost@contoso.example",
    ]);
    expect(text).toContain("3,PERSON1@contoso.example,duplicate_in_file,,Same address as row 2");
    expect(text).toContain("8,person3@contoso.exmaple,possible_typo,person3@contoso.example,");
    for (const line of lines.slice(1)) for (const cell of line.split(",")) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    // Invite the ready rows, then upload the error log as it is: its email column is found and
    // the rows invited meanwhile come out skipped.
    await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    await t.post(`/imports/${id}/use-suggestions`, {}, { cookie: admin });
    await drain();
    const again = await uploadAndCheck(text, "errors-team.csv");
    const rows = await t.deps.db.select().from(importRows).where(eq(importRows.importId, again)).orderBy(importRows.rowNumber);
    expect(rows.map((r) => [r.value, r.code])).toEqual([
      ["PERSON1@contoso.example", "already_invited"],
      ['\'=HYPERLINK("http://evil")', "invalid_format"],
      // The quote that neutralised the cell is cleaned off again, so the address reads as first uploaded.
      // Typos of people invited meanwhile: those people, already invited (not a suggestion to use again).
      ["'+person2@contoso.example", "already_invited"],
      ["'-1", "invalid_format"],
      ["'@SUM(A1)", "invalid_format"],
      ["person3@contoso.exmaple", "already_invited"],
      ["", "empty"],
      ["ghost@contoso.example", "not_in_directory"],
    ]);
  });
});

describe("the error log of an unfinished check", () => {
  it("says it is not finished (409, how far the check is), never a partial log with 200", async () => {
    const response = await upload("email\nperson1@contoso.example\nnobody@contoso.example\n");
    const id = response.headers.get("Location")!.split("/").pop()!;
    const early = await t.get(`/imports/${id}/errors.csv`, { cookie: admin });
    expect(early.status).toBe(409);
    expect(early.headers.get("Content-Type")).toContain("text/html");
    const text = await early.text();
    expect(text).toContain("The error log is not ready");
    expect(text).toContain("0 of 2 rows are checked so far");
    await drain();
    const done = await t.get(`/imports/${id}/errors.csv`, { cookie: admin });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("nobody@contoso.example");
  });

  it("of an upload that stopped says there is no complete log", async () => {
    const id = await uploadAndCheck("email\nnobody@contoso.example\n");
    await t.deps.db.write((tx) => tx.update(imports).set({ status: "failed", failureMessage: "The file could not be read." }).where(eq(imports.id, id)));
    const response = await t.get(`/imports/${id}/errors.csv`, { cookie: admin });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("no complete error log");
  });
});

describe("Use suggestions", () => {
  it("asks for confirmation, then invites the possible typos at their suggested address", async () => {
    const id = await uploadAndCheck("email\nperson1@contoso.exmaple\npreson2@contoso.example\nperson3@contoso.example\n");
    const confirm = (await (await t.get(`/imports/${id}/suggestions`, { cookie: admin })).text()).replaceAll("<wbr>", "");
    expect(confirm).toContain("person1@contoso.example");
    expect(confirm).toContain("person2@contoso.example");
    expect(confirm).toContain(`action="/imports/${id}/use-suggestions"`);
    expect(await t.deps.db.select().from(members)).toHaveLength(0);

    expect((await t.post(`/imports/${id}/use-suggestions`, {}, { cookie: admin })).status).toBe(303);
    await drain();
    const invited = (await t.deps.db.select({ email: members.emailNorm }).from(members)).map((m) => m.email).sort();
    expect(invited).toEqual(["person1@contoso.example", "person2@contoso.example"]);
    const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
    // The two invited are counted as invited, not as ready: only the plain ready row is still to send.
    expect(row).toMatchObject({ status: "ready", suggestionCount: 0, sentCount: 2, readyCount: 1, errorCount: 0 });
    // The plain ready row is still waiting for Send Invite.
    await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    await drain();
    expect(await t.deps.db.select().from(members)).toHaveLength(3);
  });
});

describe("GET /imports, every upload", () => {
  it("lists every upload of the organization, newest first, with its state; an older checked-but-unsent one can be sent", async () => {
    const old = await uploadAndCheck("email\nperson1@contoso.example\n", "old <b>unsent.csv");
    for (let i = 0; i < 6; i++) await uploadAndCheck(`email\nnobody${i}@contoso.example\n`, `later-${i}.csv`);
    const users = await (await t.get("/users", { cookie: admin })).text();
    expect(users).not.toContain("old &lt;b&gt;unsent"); // past the last five
    expect(users).toContain('<a href="/imports" class="all-uploads">All uploads</a>');

    const page = await t.get("/imports", { cookie: admin });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("old &lt;b&gt;unsent.csv");
    expect(html).not.toContain("<b>unsent");
    expect(html.indexOf("later-5.csv")).toBeLessThan(html.indexOf("later-0.csv"));
    expect(html).toContain(`<a href="/imports/${old}" class="not-sent">Not sent yet: open to Send Invite</a>`);
    expect([...html.matchAll(/class="not-sent"/g)]).toHaveLength(1);
    // From there, Send Invite on its page.
    expect(await (await t.get(`/imports/${old}`, { cookie: admin })).text()).toContain("Send Invite");
    expect((await t.post(`/imports/${old}/send`, {}, { cookie: admin })).status).toBe(303);
    await drain();
    expect(await t.deps.db.select().from(members)).toHaveLength(1);

    const other = await (await t.get("/imports", { cookie: otherAdmin })).text();
    expect(other).not.toContain("later-0.csv");
    expect(other).toContain("No files have been uploaded yet.");
  });

  it("pages a long list, never repeating or skipping an upload, and refuses a broken page link", async () => {
    const actor = await actorFor(t.deps.db, "admin@contoso.example");
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) {
      const created = await createImport(
        t.deps.db,
        actor,
        { fileName: `f${i}.csv`, bytes: new TextEncoder().encode(`email\nperson${(i % 12) + 1}@contoso.example\n`) },
        { maxBytes: 4096, maxRows: 50 },
      );
      if (!created.ok) throw new Error(created.message);
      ids.push(created.importId);
    }
    await drain();
    const seen: string[] = [];
    let next: string | null = "/imports";
    while (next) {
      const html: string = await (await t.get(next, { cookie: admin })).text();
      seen.push(...[...html.matchAll(/<td><a href="\/imports\/([0-9a-f-]{36})" class="file-name">/g)].map((m) => m[1]!));
      const link: RegExpMatchArray | null = html.match(/href="(\/imports\?before=[A-Za-z0-9_-]+)" rel="next"/);
      next = link ? link[1]! : null;
    }
    expect(seen).toHaveLength(55);
    expect(seen).toEqual([...ids].reverse());
    expect((await t.get("/imports?before=%00nope", { cookie: admin })).status).toBe(400);
  });
});

describe("the Users page", () => {
  it("lists recent uploads with a link to each", async () => {
    const id = await uploadAndCheck("email\nperson1@contoso.example\n", "march.csv");
    const html = await (await t.get("/users", { cookie: admin })).text();
    expect(html).toContain("Recent uploads");
    expect(html).toContain(`href="/imports/${id}"`);
    expect(html).toContain("march.csv");
    const other = await (await t.get("/users", { cookie: otherAdmin })).text();
    expect(other).not.toContain("march.csv");
  });
});
