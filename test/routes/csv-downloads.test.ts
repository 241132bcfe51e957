// The CSV downloads (the error log of an upload, the activity export) carry no live formula when
// Excel reads them with the list separator of its locale: "," in English, ";" in German, French,
// Dutch …, or a tab. A cell `x;=1+2` once came back as `3,x;=1+2,invalid_format,…`, which a ";"
// reader splits into a live `=1+2`. The writer itself is fuzzed in test/fuzz/csv-writer.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { isLiveFormula, readAsSpreadsheet, SEPARATORS } from "../support/spreadsheet.js";

let t: TestApp;
let admin: string;
let importPage: string;

const HOSTILE = ["x;=1+2", "x\t=1+2", '"a";"=HYPERLINK(""http://evil.example"")"', "b, @SUM(1)", "c;-2+3", "=1+2"];

beforeAll(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 2 });
  admin = await t.signInAs("admin@contoso.example");
  const csv = `email\r\nperson1@contoso.example\r\n${HOSTILE.map((c) => `"${c.replaceAll('"', '""')}"`).join("\r\n")}\r\n`;
  const form = new FormData();
  form.append("file", new File([csv], "list;=1+2.csv", { type: "text/csv" }));
  const upload = await t.post("/imports", form, { cookie: admin });
  expect(upload.status).toBe(303);
  importPage = upload.headers.get("location")!;
  await drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl });
});
afterAll(() => t.close());

async function download(path: string): Promise<string> {
  const response = await t.get(path, { cookie: admin });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
  return (await response.text()).replace(/^\uFEFF/, "");
}

describe("CSV downloads read with , ; or tab", () => {
  it("the error log has no live formula, and gives back each cell as uploaded with a ' before what would compute", async () => {
    const text = await download(`${importPage}/errors.csv`);
    for (const separator of SEPARATORS) {
      expect(readAsSpreadsheet(text, separator).flat().filter(isLiveFormula), `read with ${JSON.stringify(separator)}`).toEqual([]);
    }
    const emails = readAsSpreadsheet(text, ",")
      .slice(1)
      .filter((r) => r.length > 1)
      .map((r) => r[1]);
    expect(emails).toEqual(["x;'=1+2", "x\t'=1+2", `"a";'"=HYPERLINK(""http://evil.example"")"`, "b,' @SUM(1)", "c;'-2+3", "'=1+2"]);
  });

  it("the activity export has no live formula, though the file name it names has one after a ;", async () => {
    const text = await download("/activity.csv");
    expect(text).toContain("list;");
    for (const separator of SEPARATORS) {
      expect(readAsSpreadsheet(text, separator).flat().filter(isLiveFormula), `read with ${JSON.stringify(separator)}`).toEqual([]);
    }
  });
});
