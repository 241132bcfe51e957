// Two organizations, two SCIM tokens: a token sees and changes only its own organization's users;
// a replaced token stops working at once; requests past the per-token rate get 429 + Retry-After,
// and one token's burst does not hold back the other.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, members, scimTokens } from "../../src/db/schema.js";
import { issueScimToken } from "../../src/domain/scim-tokens.js";
import { sha256Hex } from "../../src/ids.js";
import { actorFor } from "../support/security-fixtures.js";
import { startScimServer, tutorialUser, type ScimServer } from "../support/scim.js";

let s: ScimServer;
beforeAll(async () => {
  s = await startScimServer();
});
afterAll(() => s.stop());

const json = async (r: Response) => (await r.json()) as Record<string, any>;
const filter = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;

describe("two organizations, two tokens", () => {
  let idA: string;
  let idB: string;

  it("each token creates users in its own organization (the same userName may exist in both)", async () => {
    const a = await s.scim("/Users", { body: tutorialUser(1, { emails: [{ type: "work", value: "same@shared.example" }] }) });
    const b = await s.scim("/Users", { body: tutorialUser(1, { emails: [{ type: "work", value: "same@shared.example" }] }), token: s.orgs.b.token });
    expect([a.status, b.status]).toEqual([201, 201]);
    idA = (await json(a)).id;
    idB = (await json(b)).id;
    const people = await s.deps.db.select({ orgId: directoryPeople.orgId }).from(directoryPeople).where(eq(directoryPeople.mailNorm, "same@shared.example"));
    expect(people.map((p) => p.orgId).sort()).toEqual([s.orgs.a.id, s.orgs.b.id].sort());
  });

  it("answers 404 for the other organization's user ids, for every verb, and changes nothing there", async () => {
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      const body = method === "PUT" ? tutorialUser(1) : method === "PATCH" ? { Operations: [{ op: "replace", path: "active", value: false }] } : undefined;
      const res = await s.scim(`/Users/${idB}`, { method, body });
      expect(res.status, method).toBe(404);
    }
    const [memberB] = await s.deps.db.select({ status: members.status }).from(members).where(eq(members.orgId, s.orgs.b.id));
    expect(memberB?.status).toBe("invited");
    expect((await s.scim(`/Users/${idB}`, { token: s.orgs.b.token })).status).toBe(200);
  });

  it("filters and lists never return the other organization's users", async () => {
    for (const f of [
      'userName eq "Test_User_1"',
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-000000000001"',
      `id eq "${idB}"`,
      'emails.value eq "same@shared.example"',
    ]) {
      const body = await json(await s.scim(filter(f)));
      expect(
        body.Resources.map((r: any) => r.id),
        f,
      ).not.toContain(idB);
    }
    expect((await json(await s.scim("/Users"))).Resources.map((r: any) => r.id)).toEqual([idA]);
    expect((await json(await s.scim("/Users", { token: s.orgs.b.token }))).Resources.map((r: any) => r.id)).toEqual([idB]);
  });

  it("stores only the token's SHA-256; a new token replaces the old at once", async () => {
    const [row] = await s.deps.db.select().from(scimTokens).where(eq(scimTokens.orgId, s.orgs.b.id));
    expect(row!.tokenHash).toBe(sha256Hex(s.orgs.b.token));
    expect(JSON.stringify(row)).not.toContain(s.orgs.b.token);
    const fresh = await issueScimToken(s.deps.db, await actorFor(s.deps.db, "admin@fabrikam.example"));
    expect((await s.scim("/Users", { token: s.orgs.b.token })).status).toBe(401);
    expect((await s.scim("/Users", { token: fresh })).status).toBe(200);
    s.orgs.b.token = fresh;
  });
});

describe("per-token rate limit", () => {
  it("answers 429 with Retry-After in SCIM's error format past the rate; the other token still passes", async () => {
    const slow = await startScimServer({ env: { SCIM_REQUESTS_PER_SECOND: "1" } }); // bursts of 2
    try {
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 6; i++) {
        const res = await slow.scim("/ServiceProviderConfig");
        statuses.push(res.status);
        if (res.status === 429) limited ??= res;
        else await res.arrayBuffer();
      }
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(limited, statuses.join(",")).toBeDefined();
      expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await json(limited!)).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" });
      expect((await slow.scim("/ServiceProviderConfig", { token: slow.orgs.b.token })).status).toBe(200);
    } finally {
      await slow.stop();
    }
  });

  it("keys on the token, not the client: behind a proxy, a new X-Forwarded-For per request gets no fresh allowance", async () => {
    const slow = await startScimServer({ env: { SCIM_REQUESTS_PER_SECOND: "1", TRUST_PROXY: "1" } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await slow.scim("/ServiceProviderConfig", { headers: { "X-Forwarded-For": `203.0.113.${i + 1}` } });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      expect(statuses.filter((st) => st === 429).length, statuses.join(",")).toBeGreaterThan(0);
    } finally {
      await slow.stop();
    }
  });
});
