// The remote-path lane (test/vitest.config.ts) runs the route and job suites again with
// EMBEDDED_FAST_PATHS=false: the test database must then really be read through the client, as a
// libSQL server is, and the config a test app gets must say the same (so its workers start no
// database thread). In the default lane both fast paths are on.
import { afterEach, describe, expect, it } from "vitest";
import { embeddedFastPaths } from "../../src/config.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { readSql } from "../support/db.js";

let t: TestApp | undefined;
afterEach(() => t?.close());

describe(`this lane (EMBEDDED_FAST_PATHS=${process.env.EMBEDDED_FAST_PATHS ?? "unset"})`, () => {
  it("opens the test database and the app's config the way EMBEDDED_FAST_PATHS says", async () => {
    t = await createTestApp();
    const fast = embeddedFastPaths();
    expect(fast).toBe(process.env.EMBEDDED_FAST_PATHS !== "false");
    // The native read connection answers arrays; the client (a libSQL server's path) row objects.
    expect(Array.isArray((await readSql(t.database.db, "SELECT 1 AS one"))[0])).toBe(fast);
    expect(t.deps.config.embeddedFastPaths).toBe(fast);
  });
});
