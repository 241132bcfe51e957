// Directory sync end to end: the Graph stand-in over HTTP, the real Graph client, a real libSQL file.
import { and, asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, directoryPeople, directorySyncs, organizations } from "../../src/db/schema.js";
import { getLastDirectorySync, requestDirectorySync, syncDirectory } from "../../src/domain/directory-sync.js";
import { signInWithEntraIdentity } from "../../src/domain/entra-identity.js";
import { newId } from "../../src/ids.js";
import { GraphClient } from "../../src/integrations/graph.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn, type StandInUser } from "../support/graph-stand-in.js";

const TENANT = "0b7c3c2e-1111-4222-8333-444455556666";
let graph: GraphStandIn;
let database: TestDatabase;
let orgId: string;
let users: StandInUser[];

beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => graph.stop());
beforeEach(async () => {
  graph.users.clear();
  users = makeUsers(1200);
  graph.addUsers(users);
  graph.expireDeltaLinks(); // links from the previous test's rounds are not ours
  graph.clearFailures();
  graph.requests.length = 0;
  database = await createTestDatabase();
  orgId = newId();
  await database.db.write((tx) => tx.insert(organizations).values({ id: orgId, tenantId: TENANT, name: "Fabrikam", domains: ["fabrikam.test"] }));
});
afterEach(() => database.close());

const graphClient = (maxAttempts = 4) =>
  new GraphClient({
    baseUrl: graph.baseUrl,
    tokenUrl: graph.tokenUrl.replace("{tenantId}", TENANT),
    clientId: GRAPH_CLIENT.id,
    clientSecret: GRAPH_CLIENT.secret,
    maxAttempts,
  });
const sync = (trigger: "schedule" | "manual" = "schedule", client = graphClient()) => syncDirectory(database.db, { id: orgId }, client, trigger);
const people = () => database.db.select().from(directoryPeople).where(eq(directoryPeople.orgId, orgId)).orderBy(asc(directoryPeople.userPrincipalName));
const person = async (oid: string) =>
  (
    await database.db
      .select()
      .from(directoryPeople)
      .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.entraObjectId, oid)))
  )[0];
const deltaLink = async () => (await database.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!.directoryDeltaLink;

describe("syncDirectory", () => {
  it("first sync reads every page and stores everyone with normalized columns, the deltaLink and a record", async () => {
    graph.updateUser(users[0]!.id, { mail: "  A\u0301gnes.Example@Fabrikam.TEST ", displayName: "A\u0301gnes Example", givenName: "A\u0301gnes" });
    const result = await sync();
    expect(result).toMatchObject({ status: "succeeded", full: true, added: 1200, updated: 0, removed: 0 });
    expect(await people()).toHaveLength(1200);
    const agnes = await person(users[0]!.id);
    expect(agnes).toMatchObject({
      mailNorm: "ágnes.example@fabrikam.test",
      displayNorm: "ágnes example",
      givenNorm: "ágnes",
      surnameNorm: "example",
      upnNorm: "user000001@fabrikam.test",
      accountEnabled: true,
      removedAt: null,
    });
    expect(agnes!.mailNorm).toBe("ágnes.example@fabrikam.test".normalize("NFC"));
    expect(await deltaLink()).toMatch(/\$deltatoken=/);
    expect(graph.requests.map((r) => r.query.has("$skiptoken"))).toEqual([false, true]); // 999 + 201
    const [record] = await database.db.select().from(directorySyncs).where(eq(directorySyncs.orgId, orgId));
    expect(record).toMatchObject({ status: "succeeded", trigger: "schedule", added: 1200, updated: 0, removed: 0, lockedUntil: null });
    const [audit] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "directory.sync"));
    expect(audit).toMatchObject({ orgId, actorId: null, subject: "succeeded", detail: expect.objectContaining({ added: 1200, trigger: "schedule" }) });
  });

  it("a later sync applies only the delta: an update, a removal, a disabled account and a newcomer", async () => {
    await sync();
    graph.requests.length = 0;
    const [changed, gone, disabled] = users;
    graph.updateUser(changed!.id, { displayName: "Renamed Person", jobTitle: "Director" });
    graph.removeUser(gone!.id);
    graph.updateUser(disabled!.id, { accountEnabled: false });
    const [newcomer] = makeUsers(1, 5000);
    graph.addUsers([newcomer!]);
    const result = await sync();
    expect(result).toMatchObject({ status: "succeeded", full: false, added: 1, updated: 2, removed: 1 });
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]!.query.has("$deltatoken")).toBe(true);
    expect(await person(changed!.id)).toMatchObject({ displayName: "Renamed Person", displayNorm: "renamed person", jobTitle: "Director" });
    expect((await person(gone!.id))!.removedAt).toBeInstanceOf(Date);
    expect(await person(disabled!.id)).toMatchObject({ accountEnabled: false, removedAt: null });
    expect(await person(newcomer!.id)).toMatchObject({ upnNorm: "user005000@fabrikam.test" });
    expect(await people()).toHaveLength(1201);

    // Nothing changed since: an empty round still succeeds and moves the link on.
    expect(await sync()).toMatchObject({ status: "succeeded", added: 0, updated: 0, removed: 0 });
  });

  it("a removed person who is restored comes back", async () => {
    await sync();
    const saved = graph.users.get(users[5]!.id)!;
    graph.removeUser(saved.id);
    await sync();
    graph.addUsers([saved]);
    expect(await sync()).toMatchObject({ updated: 1, removed: 0 });
    expect((await person(saved.id))!.removedAt).toBeNull();
  });

  it("rides out a 429 with Retry-After", async () => {
    graph.failNext(1, 429, 1, 1);
    expect(await sync()).toMatchObject({ status: "succeeded", added: 1200 });
    expect(graph.requests.some((r) => r.status === 429)).toBe(true);
  });

  it("a failed sync changes nothing and is recorded with its reason", async () => {
    await sync();
    const before = await people();
    const link = await deltaLink();
    // 1,100 changes span two pages; the second page keeps failing.
    for (const u of users.slice(0, 1100)) graph.updateUser(u.id, { jobTitle: "Changed" });
    graph.failNext(5, 503, undefined, 1);
    const result = await sync("schedule", graphClient(2));
    expect(result).toMatchObject({ status: "failed", message: expect.stringMatching(/503/) });
    expect(await people()).toEqual(before);
    expect(await deltaLink()).toBe(link);
    const last = await getLastDirectorySync(database.db, orgId);
    expect(last?.latest).toMatchObject({ status: "failed", message: expect.stringMatching(/Microsoft Graph answered 503/), lockedUntil: null });
    expect(last?.lastSucceededAt).toBeInstanceOf(Date);
    const audits = await database.db.select().from(auditEvents).where(eq(auditEvents.subject, "failed"));
    expect(audits).toHaveLength(1);
    // The next sync starts from the same link and gets the changes.
    graph.clearFailures();
    expect(await sync()).toMatchObject({ status: "succeeded", updated: 1100 });
  });

  it("starts over with a full round when the deltaLink expired, and marks who is gone as removed", async () => {
    await sync();
    graph.removeUser(users[7]!.id, "deleted");
    graph.expireDeltaLinks();
    expect(await sync()).toMatchObject({ status: "succeeded", full: true, added: 0, updated: 0, removed: 1 });
    expect((await person(users[7]!.id))!.removedAt).toBeInstanceOf(Date);
  });

  it("lets two people swap user principal names in one delta", async () => {
    await sync();
    const [a, b] = users;
    graph.updateUser(a!.id, { userPrincipalName: b!.userPrincipalName });
    graph.updateUser(b!.id, { userPrincipalName: a!.userPrincipalName });
    expect(await sync()).toMatchObject({ status: "succeeded", updated: 2 });
    expect((await person(a!.id))!.upnNorm).toBe(b!.userPrincipalName.toLowerCase());
    expect((await person(b!.id))!.upnNorm).toBe(a!.userPrincipalName.toLowerCase());
  });

  it("adopts a person imported from a CSV without an object id, and keeps the one who signed in", async () => {
    const imported = newId();
    await database.db.write((tx) =>
      tx
        .insert(directoryPeople)
        .values({ id: imported, orgId, userPrincipalName: users[1]!.userPrincipalName, upnNorm: users[1]!.userPrincipalName, displayName: "From CSV" }),
    );
    const signedIn = await signInWithEntraIdentity(
      database.db,
      { tenantId: TENANT, objectId: users[2]!.id, username: users[2]!.userPrincipalName, email: null, name: "Signed In", roles: [] },
      { adminRole: "BusinessAdministrator" },
    );
    expect(await sync()).toMatchObject({ status: "succeeded", added: 1198, updated: 2 });
    expect(await people()).toHaveLength(1200);
    expect((await person(users[1]!.id))!.id).toBe(imported);
    expect((await person(users[2]!.id))!.id).toBe(signedIn.ok && signedIn.personId);
  });
});

describe("the lease", () => {
  it("refuses to start while another process holds the organization's lease", async () => {
    await database.db.write((tx) =>
      tx.insert(directorySyncs).values({ id: newId(), orgId, status: "running", trigger: "schedule", lockedUntil: new Date(Date.now() + 60_000) }),
    );
    expect(await sync()).toEqual({ status: "skipped", reason: "busy" });
    expect(graph.requests.filter((r) => r.path.endsWith("/delta"))).toHaveLength(0);
  });

  it("takes over from a process that died (lease run out), recording that one as interrupted", async () => {
    const dead = newId();
    await database.db.write((tx) =>
      tx.insert(directorySyncs).values({ id: dead, orgId, status: "running", trigger: "schedule", lockedUntil: new Date(Date.now() - 1) }),
    );
    expect(await sync()).toMatchObject({ status: "succeeded" });
    const [row] = await database.db.select().from(directorySyncs).where(eq(directorySyncs.id, dead));
    expect(row).toMatchObject({ status: "failed", message: expect.stringMatching(/Interrupted/) });
  });
});

describe("Sync now", () => {
  it("queues one request per organization, which the next sync runs on behalf of the admin", async () => {
    const admin = newId();
    await database.db.write((tx) => tx.insert(directoryPeople).values({ id: admin, orgId, displayName: "Admin" }));
    const first = await requestDirectorySync(database.db, orgId, admin);
    const second = await requestDirectorySync(database.db, orgId, admin);
    expect(first.ok && second.ok && first.syncId === second.syncId).toBe(true);
    expect((await getLastDirectorySync(database.db, orgId))?.latest.status).toBe("queued");
    const result = await sync("manual");
    expect(result).toMatchObject({ status: "succeeded", syncId: first.ok ? first.syncId : "" });
    const last = await getLastDirectorySync(database.db, orgId);
    expect(last?.latest).toMatchObject({ status: "succeeded", trigger: "manual", requestedBy: admin, added: 1200 });
    const [audit] = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "directory.sync"));
    expect(audit?.actorId).toBe(admin);
  });

  it("is refused for an organization without a tenant (local mode)", async () => {
    const local = newId();
    await database.db.write((tx) => tx.insert(organizations).values({ id: local, name: "Contoso (demo)" }));
    expect(await requestDirectorySync(database.db, local, newId())).toEqual({ ok: false, reason: "not-connected" });
    expect(await getLastDirectorySync(database.db, local)).toBeNull();
  });
});
