// POST /imports with an Excel workbook: read as it is (first sheet, address column found), checked
// like a CSV, its error log still a CSV; an .xls or password-protected workbook and other formats
// are refused with what to do, and nothing is created.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports } from "../../src/db/schema.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { makeXlsx, makeZip } from "../support/workbook.js";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 5 });
  admin = await t.signInAs("admin@contoso.example");
});
afterAll(() => t.close());

async function upload(bytes: Uint8Array, name: string, htmx = false) {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(bytes)], name, { type: "application/octet-stream" }));
  return t.post("/imports", form, { cookie: admin, htmx });
}

describe("POST /imports with an Excel workbook", () => {
  it("reads the first sheet, checks its rows, and keeps the error log a CSV", async () => {
    const bytes = await makeXlsx([
      {
        name: "Team",
        rows: [
          ["Name", "Work email"],
          ["Person 1", "person1@contoso.example"],
          ["Ghost", "ghost@contoso.example"],
          ["Oops", "=1+2"],
        ],
      },
      { name: "Ignored", rows: [["email"], ["person2@contoso.example"]] },
    ]);
    const answer = await upload(bytes, "team.xlsx");
    expect(answer.status).toBe(303);
    const id = answer.headers.get("location")!.split("/").pop()!;
    await drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl });
    const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, id));
    expect([row!.status, row!.total, row!.readyCount, row!.errorCount]).toEqual(["ready", 3, 1, 2]);
    const page = await (await t.get(`/imports/${id}`, { cookie: admin })).text();
    expect(page).toContain("Read as Excel workbook, sheet &#39;Team&#39;, header row, column &#39;Work email&#39;, 3 rows");
    const log = await t.get(`/imports/${id}/errors.csv`, { cookie: admin });
    expect(log.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(log.headers.get("content-disposition")).toBe('attachment; filename="errors-team.csv"');
    const text = await log.text();
    expect(text).toContain("3,ghost@contoso.example,not_in_directory");
    expect(text).toContain("4,'=1+2,invalid_format");
  });

  it("refuses an .xls or password-protected workbook, whatever it is called, and says to save it as .xlsx or CSV", async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(1000).fill(7)]);
    const before = (await t.deps.db.select().from(imports)).length;
    for (const name of ["old.xls", "protected.xlsx", "list.csv"]) {
      const answer = await upload(ole, name, true);
      expect(answer.status, name).toBe(422);
      expect(await answer.text(), name).toContain(
        "Excel 97-2003 workbook (.xls) or a password-protected workbook, which cannot be read here. In Excel, choose File &gt; Save As &gt; Excel Workbook (.xlsx), without a password, or CSV UTF-8",
      );
    }
    const odt = await makeZip({ mimetype: "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>" });
    const refused = await upload(odt, "list.ods");
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("not an Excel workbook or a CSV file");
    expect((await t.deps.db.select().from(imports)).length).toBe(before);
  });
});
