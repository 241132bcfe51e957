// The Graph client against the Graph stand-in over real HTTP: client credentials, delta paging,
// retries on 429 (Retry-After) and 5xx, and the restart when a delta link has expired.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GraphClient, GraphError, USER_FIELDS, type GraphUser } from "../../src/integrations/graph.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn } from "../support/graph-stand-in.js";

let graph: GraphStandIn;
beforeAll(async () => {
  graph = await startGraphStandIn();
  graph.addUsers(makeUsers(2500));
});
afterAll(async () => graph.stop());
beforeEach(() => {
  graph.requests.length = 0;
  graph.tokenRequests.length = 0;
});

const TENANT = "6f0c1a7e-0000-4000-8000-000000000001";
const client = (options: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) =>
  new GraphClient({
    baseUrl: graph.baseUrl,
    tokenUrl: graph.tokenUrl.replace("{tenantId}", TENANT),
    clientId: GRAPH_CLIENT.id,
    clientSecret: GRAPH_CLIENT.secret,
    ...options,
  });

async function readAll(c: GraphClient, deltaLink: string | null) {
  const users: GraphUser[] = [];
  let restarts = 0;
  const round = await c.readUsersDelta(deltaLink, {
    onPage: (page) => void users.push(...page),
    onRestart: () => {
      restarts++;
      users.length = 0;
    },
  });
  return { users, restarts, ...round };
}

describe("GraphClient", () => {
  it("gets an app-only token and reads every page of a first round, then a deltaLink", async () => {
    const round = await readAll(client(), null);
    expect(round.full).toBe(true);
    expect(round.users).toHaveLength(2500);
    expect(round.deltaLink).toMatch(/\$deltatoken=/);
    expect(graph.tokenRequests).toHaveLength(1); // one token for every page
    expect(graph.tokenRequests[0]!.get("scope")).toBe(`${new URL(graph.baseUrl).origin}/.default`);
    expect(graph.tokenRequests[0]!.get("grant_type")).toBe("client_credentials");
    const [first, ...rest] = graph.requests;
    expect(first!.query.get("$select")).toBe(USER_FIELDS.join(","));
    expect(rest.every((r) => r.query.has("$skiptoken"))).toBe(true);
    expect(graph.requests.every((r) => r.prefer === "odata.maxpagesize=999")).toBe(true);
    expect(graph.requests).toHaveLength(3); // 999 + 999 + 502
  });

  it("reads only changes from a deltaLink, removals included", async () => {
    const first = await readAll(client(), null);
    const [a, b] = [...graph.users.keys()];
    const saved = graph.users.get(b!)!;
    graph.updateUser(a!, { jobTitle: "Director" });
    graph.removeUser(b!);
    const delta = await readAll(client(), first.deltaLink);
    expect(delta.full).toBe(false);
    expect(delta.users).toEqual([expect.objectContaining({ id: a, jobTitle: "Director" }), { id: b, "@removed": { reason: "changed" } }]);
    graph.addUsers([saved]); // put b back for the other tests
  });

  it("waits out a 429 for as long as Retry-After says, then carries on", async () => {
    graph.failNext(1, 429, 1);
    const started = Date.now();
    const round = await readAll(client(), null);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(round.users).toHaveLength(2500);
    expect(graph.requests.map((r) => r.status).slice(0, 2)).toEqual([429, 200]);
  });

  it("retries 5xx with backoff", async () => {
    graph.failNext(2, 503);
    const round = await readAll(client(), null);
    expect(round.users).toHaveLength(2500);
    expect(graph.requests.filter((r) => r.status === 503)).toHaveLength(2);
  });

  it("gives up after a bounded number of attempts with a readable reason", async () => {
    graph.failNext(3, 500);
    const error = await readAll(client({ maxAttempts: 3 }), null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as Error).message).toMatch(/answered 500 serviceUnavailable after 3 attempts/);
    expect(graph.requests).toHaveLength(3);
  });

  it("refuses a Retry-After longer than it is willing to wait", async () => {
    graph.failNext(1, 429, 3600);
    const error = await readAll(client(), null).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/429 TooManyRequests/);
  });

  it("says so when the client secret is wrong", async () => {
    const error = await readAll(client({ clientSecret: "wrong" }), null).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/token endpoint answered 401 invalid_client/);
    expect((error as Error).message).not.toContain("wrong");
  });

  it("starts a full round when the stored deltaLink has expired", async () => {
    const first = await readAll(client(), null);
    graph.expireDeltaLinks();
    const round = await readAll(client(), first.deltaLink);
    expect(round.full).toBe(true);
    expect(round.users).toHaveLength(2500);
    expect(graph.requests.find((r) => r.status === 400)?.query.has("$deltatoken")).toBe(true);
  });
});

describe("GraphClient when Graph is not there", () => {
  it('names the endpoint and the cause, not fetch\'s bare "fetch failed"', async () => {
    const { freePort } = await import("../support/child-server.js");
    const port = await freePort(); // nothing listens there
    const c = client({ baseUrl: `http://127.0.0.1:${port}/v1.0`, maxAttempts: 1 });
    await c.readUsersDelta(null, { onPage: () => {}, onRestart: () => {} }).then(
      () => expect.unreachable("Graph answered"),
      (error: GraphError) =>
        expect(error.message).toBe(
          `Microsoft Graph at http://127.0.0.1:${port}/v1.0/users/delta could not be reached: connection refused (connect ECONNREFUSED 127.0.0.1:${port})`,
        ),
    );
  });
});
