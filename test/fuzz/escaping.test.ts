// HTML and script in directory names, file names and CSV cells never reach a page unescaped, nor
// an email; the error log never carries a live formula and reads back the values as uploaded.
// Property-based (fast-check) through the real routes, the real import worker and the real mail rows.
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports, mailOutbox } from "../../src/db/schema.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { cleanFileName } from "../../src/domain/import-upload.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { expectSafeAnswer, fuzzRuns, hostileText, MARK, wellFormed } from "../support/fuzz.js";
import { isLiveFormula, readAsSpreadsheet, SEPARATORS } from "../support/spreadsheet.js";
import { actorFor } from "../support/security-fixtures.js";
import { withEmail } from "../support/mail-fixtures.js";
import { outboxContextSql } from "../../src/domain/outbox.js";

const runs: Record<string, number> = {};
const count = (name: string, n: number) => {
  runs[name] = fuzzRuns(n);
  return runs[name];
};
/** Where a spreadsheet reading with , ; or tab could start a field that computes. */
const FORMULA_AT_FIELD_START = /(^|[,;\t\r\n])[ "]*[=+\-@\t\r]/;

let t: TestApp;
let admin: string;
beforeAll(async () => {
  // Escaping is the subject here, not the type-ahead's rate limit (test/security/rate-limits.test.ts).
  t = await createTestApp({ env: { DIRECTORY_SEARCH_PER_SECOND: "100000" } });
  await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 10 });
  admin = await t.signInAs("admin@a.example");
});
afterAll(() => {
  t?.close();
  console.log(`fast-check runs, escaping: ${JSON.stringify(runs)}`);
});

/** Hostile text that always carries the marker tag somewhere. */
const withMark = fc.tuple(hostileText, hostileText).map(([a, b]) => wellFormed(`${a}${MARK}>${b}`));

describe("escaping (fast-check)", () => {
  it("directory names, job titles and departments: escaped in the list, the type-ahead, the no-JS search, the activity log and the email", async () => {
    const { db } = t.deps;
    const orgId = (await actorFor(db, "admin@a.example")).orgId;
    const actor = await actorFor(db, "admin@a.example");
    let n = 0;
    await fc.assert(
      fc.asyncProperty(withMark, withMark, async (name, title) => {
        const email = `zfuzz${++n}@a.example`;
        await db.write((tx) =>
          upsertDirectoryPeople(tx, orgId, [
            {
              entraObjectId: null,
              userPrincipalName: email,
              mail: email,
              displayName: name,
              givenName: name,
              surname: null,
              jobTitle: title,
              department: title,
              accountEnabled: true,
            },
          ]),
        );
        const paths = [`/users/invite?q=${email}`, `/directory/search?q=${email}`];
        for (const path of paths) {
          const html = await expectSafeAnswer(await t.get(path, { cookie: admin, htmx: path.startsWith("/directory") }), [200], path);
          expect(html.replaceAll("<wbr>", ""), `${path} shows the person`).toContain(email);
        }
        await inviteMembers(db, actor, { emails: [email] }, { publicUrl: t.deps.config.publicUrl });
        const list = await expectSafeAnswer(await t.get(`/users?q=${email}`, { cookie: admin }), [200], "/users");
        expect(list.replaceAll("<wbr>", "")).toContain(email); // addresses carry <wbr> after "@" and "."
        await expectSafeAnswer(await t.get("/activity", { cookie: admin }), [200], "/activity");
        const [mail] = (
          await db
            .select({ id: mailOutbox.id, template: mailOutbox.template, params: mailOutbox.params, context: outboxContextSql })
            .from(mailOutbox)
            .where(and(eq(mailOutbox.to, email), eq(mailOutbox.kind, "invitation")))
        ).map(withEmail);
        expect(mail!.html.includes(MARK), "the invitation email escapes the name").toBe(false);
        await expectSafeAnswer(await t.get(`/outbox/${mail!.id}`, { cookie: admin }), [200], "/outbox/:id");
      }),
      { numRuns: count("directory text", 60) },
    );
    await expectSafeAnswer(await t.get("/outbox", { cookie: admin }), [200], "/outbox");
  });

  it("CSV cells and file names: escaped on the import pages, the Users page and the activity log; the error log has no live formula", async () => {
    const cell = fc.oneof(
      withMark,
      fc
        .tuple(fc.constantFrom("=", "+", "-", "@", "\t", "\r", "=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","x")'), hostileText)
        .map(([f, s]) => wellFormed(f + s)),
      fc
        .tuple(hostileText, fc.constantFrom(";", ",", "\t", "\n", "; "), fc.constantFrom("=1+2", "@SUM(1)", '"=1"', "-2"))
        .map(([a, sep, f]) => wellFormed(a + sep + f)),
      hostileText.map(wellFormed),
      fc.constantFrom("person1@a.example", "person2@gmial.com", "x@a.example", ""),
    );
    let uploads = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 1, maxLength: 25 }), withMark, async (cells, name) => {
        const csv = `email\r\n${cells.map((c) => `"${c.replaceAll('"', '""')}"`).join("\r\n")}\r\n`;
        const body = new FormData();
        body.append("file", new File([csv], `${name}.csv`, { type: "text/csv" }));
        // Each upload from its own client address: the upload rate limit is tested elsewhere.
        const upload = await t.app.request(`${ORIGIN}/imports`, { method: "POST", body, headers: { Origin: ORIGIN, Cookie: admin } }, {
          incoming: { socket: { remoteAddress: `10.9.0.${++uploads}` } },
        } as never);
        await expectSafeAnswer(upload, [303, 422], "POST /imports");
        if (upload.status !== 303) return;
        const page = upload.headers.get("location")!;
        await drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl });
        const [row] = await t.deps.db
          .select()
          .from(imports)
          .where(eq(imports.id, page.split("/").pop()!));
        expect(row!.status).toBe("ready");
        const html = await expectSafeAnswer(await t.get(page, { cookie: admin }), [200], "GET /imports/:id");
        if (cleanFileName(`${name}.csv`).includes(`${MARK}>`)) expect(html).toContain("&lt;zz-fuzz&gt;"); // the file name, escaped
        await expectSafeAnswer(await t.get(`${page}/status`, { cookie: admin, htmx: true }), [200], "GET /imports/:id/status");
        if (row!.suggestionCount > 0) await expectSafeAnswer(await t.get(`${page}/suggestions`, { cookie: admin }), [200], "GET /imports/:id/suggestions");

        const log = await t.get(`${page}/errors.csv`, { cookie: admin });
        expect(log.status).toBe(200);
        expect(log.headers.get("content-disposition")).toMatch(/^attachment; filename="errors-[A-Za-z0-9._-]+\.csv"$/);
        const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await log.arrayBuffer()); // keep the BOM: Excel needs it
        expect(text.startsWith("\uFEFFrow,email,problem,suggestion,detail\r\n")).toBe(true);
        const parsed = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true });
        expect(parsed.errors).toEqual([]);
        const [, ...records] = parsed.data;
        expect(records.length).toBe(row!.skippedCount + row!.errorCount);
        for (const separator of SEPARATORS) {
          const live = readAsSpreadsheet(text.slice(1), separator).flat().filter(isLiveFormula);
          expect(live, `live formula in the error log read with ${JSON.stringify(separator)}`).toEqual([]);
        }
        for (const record of records) {
          // The email cell is the value as uploaded, with a ' only where a spreadsheet would compute what follows.
          const uploaded = cells[Number(record[0]) - 2]!;
          expect(record[1]!.replaceAll("'", "")).toBe(uploaded.replaceAll("'", ""));
          if (!FORMULA_AT_FIELD_START.test(uploaded)) expect(record[1]).toBe(uploaded);
        }
      }),
      { numRuns: count("CSV cells and file names", 40) },
    );
    await expectSafeAnswer(await t.get("/users", { cookie: admin }), [200], "GET /users (recent uploads)");
    await expectSafeAnswer(await t.get("/activity", { cookie: admin }), [200], "GET /activity (uploads)");
  });
});
