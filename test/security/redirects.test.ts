// Redirect targets never leave the admin center, over real HTTP: every carried return path (the
// `next` of both sign-ins, the Entra state cookie, the callback) is resolved against PUBLIC_URL and
// only a same-origin path and query is kept. `/login?next=/%09/evil.example/x` once answered
// `Location: /\t/evil.example/x`, which browsers resolve to evil.example; a CR or LF answered 500.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../support/app.js";
import { fuzzRuns, hostileText, wellFormed } from "../support/fuzz.js";
import { serveTestApp, type ServedApp } from "../support/http.js";
import { startOidcStandIn, type OidcStandIn } from "../support/oidc-stand-in.js";

/** Return paths a browser would follow to another host: each becomes /users. */
const OFF_SITE = [
  "/\t/evil.example/x",
  "/\n/evil.example",
  "//evil.example",
  "/\\evil.example",
  "/.//evil.example",
  "/a/..//evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  " //evil.example",
];
/** Odd but on the site once resolved (a CR LF is dropped, not a 500): kept as the path they resolve to. */
const ODD = [
  ["/x\r\nSet-Cookie: a=b", "/xSet-Cookie:%20a=b"],
  ["http:evil.example", "/evil.example"],
  ["/%09/evil.example/x", "/%09/evil.example/x"],
];
const HOSTILE_NEXT = [...OFF_SITE, ...ODD.map(([next]) => next!)];
const pieces = fc.constantFrom("/", "\\", "\t", "\n", "\r", ".", "..", "//", "evil.example", "@", ":", "%", "%2F", "%09", "?", "#", "http:", " ", "\u3002");
/** Any string, weighted toward the pieces that move a URL to another host. */
const anyNext = fc
  .oneof(
    fc.array(pieces, { maxLength: 8 }).map((p) => p.join("")),
    hostileText,
    fc.string({ unit: "binary", maxLength: 30 }),
  )
  .map(wellFormed);

/** The Location (or HX-Redirect) resolved the way a browser resolves it, from the page that asked. */
const resolvedOrigin = (response: Response, from: string) => new URL(response.headers.get("location") ?? response.headers.get("hx-redirect")!, from).origin;

describe("sign-in in local mode", () => {
  let s: ServedApp;
  let admin: string;
  let client = 0;
  beforeAll(async () => {
    // One proxy in front (TRUST_PROXY=1): each request names a fresh client, so sign-in's rate limit stays out of the way.
    s = await serveTestApp({ env: { TRUST_PROXY: "1" } });
    await createOrganization(s.t.deps.db, { name: "Contoso", domain: "contoso.example" });
    admin = await s.t.signInAs("admin@contoso.example");
  });
  afterAll(() => s?.close());

  const getLogin = (next: string) => fetch(`${s.url}/login?next=${encodeURIComponent(next)}`, { headers: { Cookie: admin }, redirect: "manual" });
  const postLogin = (next: string) =>
    fetch(`${s.url}/login/local`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ email: "admin@contoso.example", next }),
      headers: { Origin: s.url, "X-Forwarded-For": `10.0.${(++client >> 8) & 255}.${client & 255}` },
    });

  it.each(OFF_SITE)("next=%j: both sign-ins send the person to /users", async (next) => {
    for (const response of [await getLogin(next), await postLogin(next)]) {
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/users");
    }
  });

  it.each(ODD)("next=%j: both sign-ins answer 303 to %j on the site", async (next, kept) => {
    for (const response of [await getLogin(next!), await postLogin(next!)]) {
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(kept);
    }
  });

  it("keeps a return path on the site, with its query, the way it was asked for", async () => {
    for (const [next, kept] of [
      ["/imports/new", "/imports/new"],
      ["/users?status=invited&q=a b", "/users?status=invited&q=a%20b"],
      [`${s.url}/settings?year=2026`, "/settings?year=2026"],
    ]) {
      expect((await getLogin(next!)).headers.get("location")).toBe(kept);
      expect((await postLogin(next!)).headers.get("location")).toBe(kept);
    }
  });

  it("for any string next, the answer's Location resolves to the admin center's origin (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(anyNext, async (next) => {
        const get = await getLogin(next);
        expect(get.status).toBe(303);
        expect(resolvedOrigin(get, `${s.url}/login`)).toBe(s.url);
        const post = await postLogin(next);
        expect(post.status).toBe(303);
        expect(resolvedOrigin(post, `${s.url}/login/local`)).toBe(s.url);
      }),
      { numRuns: fuzzRuns(300), examples: HOSTILE_NEXT.map((n) => [n]) },
    );
  });
});

describe("Sign in with Microsoft: the state cookie and the callback", () => {
  let idp: OidcStandIn;
  let s: ServedApp;
  beforeAll(async () => {
    idp = await startOidcStandIn();
    s = await serveTestApp({
      env: {
        ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
        ENTRA_CLIENT_SECRET: "s3cret",
        ENTRA_TENANT_ID: idp.tenantId,
        ENTRA_AUTHORITY: idp.authority,
      },
    });
  });
  afterAll(async () => {
    await s?.close();
    await idp?.stop();
  });

  const cookiesOf = (r: Response) =>
    r.headers
      .getSetCookie()
      .filter((l) => !/max-age=0/i.test(l))
      .map((l) => l.split(";")[0]!);

  /** The whole round trip; `forge` may change the cookies the browser sends back to the callback. */
  async function signIn(next: string, forge = (cookies: string[]) => cookies) {
    idp.user = {
      tid: idp.tenantId,
      oid: randomUUID(),
      preferred_username: `ada.${randomUUID().slice(0, 8)}@contoso.test`,
      name: "Ada",
      roles: ["BusinessAdministrator"],
    };
    const start = await fetch(`${s.url}/login/entra?next=${encodeURIComponent(next)}`, { redirect: "manual" });
    expect(start.status).toBe(302);
    const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = authorize.headers.get("location")!;
    expect(new URL(callback).origin).toBe(s.url);
    const cookies = cookiesOf(start);
    return { cookies, answer: await fetch(callback, { redirect: "manual", headers: { Cookie: forge(cookies).join("; ") } }) };
  }

  it.each(OFF_SITE)("next=%j: the state cookie holds /users and the callback goes there", async (next) => {
    const { cookies, answer } = await signIn(next);
    expect(cookies).toContain("entra_next=%2Fusers");
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/users");
  });

  it("a forged state cookie still sends the person to a page of the admin center", async () => {
    for (const forged of ["//evil.example", "/\t/evil.example/x", "/.//evil.example", "https://evil.example", "/x\r\nSet-Cookie: a=b"]) {
      const { answer } = await signIn("/users", (cookies) =>
        cookies.map((c) => (c.startsWith("entra_next=") ? `entra_next=${encodeURIComponent(forged)}` : c)),
      );
      expect(answer.status).toBe(303);
      expect(resolvedOrigin(answer, `${s.url}/login/entra/callback`), forged).toBe(s.url);
      expect(answer.headers.get("location"), forged).not.toContain("evil.example/");
    }
  });

  it("keeps a return path on the site", async () => {
    const { answer } = await signIn("/imports/new?x=1");
    expect(answer.headers.get("location")).toBe("/imports/new?x=1");
  });
});
