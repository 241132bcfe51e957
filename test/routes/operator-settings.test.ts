// What the operator's settings change in the pages: HSTS only over https, and local sign-in
// without the demo (SEED_DEMO=false) that says how to load a directory instead of a dead end.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { readDirectoryCsv } from "../../src/domain/directory-csv.js";
import { importDirectory } from "../../src/domain/directory-import.js";
import { projectPath } from "../../src/paths.js";
import { createTestApp } from "../support/app.js";

describe("Strict-Transport-Security", () => {
  it("is not sent when PUBLIC_URL is http (a browser would pin localhost to https)", async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: "http://localhost:3000" } });
    try {
      expect((await t.get("/login")).headers.get("strict-transport-security")).toBeNull();
    } finally {
      t.close();
    }
  });

  it("is sent when PUBLIC_URL is https", async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: "https://admin.contoso.example" } });
    try {
      expect((await t.get("/login")).headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    } finally {
      t.close();
    }
  });
});

describe("local sign-in without the demo", () => {
  it("on an empty directory: explains directory:import, offers no demo accounts and no form", async () => {
    const t = await createTestApp();
    try {
      const html = await (await t.get("/login")).text();
      expect(html).toContain("the directory is empty");
      expect(html).toContain("npm run directory:import -- --org");
      expect(html).not.toContain("alex.admin@contoso.example");
      expect(html).not.toContain('action="/login/local"');
    } finally {
      t.close();
    }
  });

  it("after an import with --admin: the form, no demo accounts, and the admin signs in", async () => {
    const t = await createTestApp();
    try {
      const read = readDirectoryCsv(readFileSync(projectPath("src/demo/contoso-directory.csv")));
      if (!read.ok) throw new Error(read.message);
      const imported = await importDirectory(t.database.db, {
        orgName: "Contoso",
        people: read.people.slice(0, 20),
        admin: "alex.admin@contoso.example",
        entraMode: false,
        dryRun: false,
      });
      expect(imported.ok).toBe(true);
      const html = await (await t.get("/login")).text();
      expect(html).toContain('action="/login/local"');
      expect(html).not.toContain("Demo accounts");
      expect(html).toContain("--admin");
      const refused = await t.post("/login/local", { email: "nobody@contoso.example", next: "/users" });
      expect(refused.status).toBe(422);
      expect(await refused.text()).not.toContain("demo accounts");
      const signedIn = await t.post("/login/local", { email: "alex.admin@contoso.example", next: "/users" });
      expect(signedIn.status).toBe(303);
      const users = await t.get("/users", { cookie: signedIn.headers.get("set-cookie")!.split(";")[0]! });
      expect(users.status).toBe(200); // a Business Administrator: the organization is usable
    } finally {
      t.close();
    }
  });

  it("with the demo: the demo accounts as before", async () => {
    const t = await createTestApp({ env: { SEED_DEMO: "true" }, seedDemo: true });
    try {
      const html = await (await t.get("/login")).text();
      expect(html).toContain("Demo accounts");
      expect(html).toContain("alex.admin@contoso.example");
    } finally {
      t.close();
    }
  });
});
