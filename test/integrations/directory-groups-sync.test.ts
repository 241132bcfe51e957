// Entra groups end to end: the Graph stand-in's /groups/delta and transitiveMembers over HTTP,
// the real Graph client and sync, a real libSQL file, then the type-ahead and Invite through the
// real app in Entra mode.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { directoryGroupMembers, directoryGroups, directoryPeople, directorySyncs, members, organizations } from "../../src/db/schema.js";
import { syncDirectory } from "../../src/domain/directory-sync.js";
import { newId } from "../../src/ids.js";
import { GraphClient } from "../../src/integrations/graph.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn, type StandInUser } from "../support/graph-stand-in.js";

const TENANT = "0b7c3c2e-1111-4222-8333-444455559999";
const ENTRA_ENV = { ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555", ENTRA_CLIENT_SECRET: "s3cret", ENTRA_AUTHORITY: "http://127.0.0.1:1" };
const DRIVERS = "a0000000-0000-4000-8000-000000000001";
const ALL_STAFF = "a0000000-0000-4000-8000-000000000002";
const NEWSLETTER = "a0000000-0000-4000-8000-000000000003";
let graph: GraphStandIn;
let t: TestApp;
let users: StandInUser[];
let orgId: string;

beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => graph.stop());
beforeEach(async () => {
  t = await createTestApp({ env: ENTRA_ENV });
  graph.users.clear();
  graph.groups.clear();
  graph.expireDeltaLinks();
  users = makeUsers(200);
  graph.addUsers(users);
  orgId = newId();
  await t.deps.db.write((tx) => tx.insert(organizations).values({ id: orgId, tenantId: TENANT, name: "Fabrikam", domains: ["fabrikam.test"] }));
  const ids = (from: number, to: number) => users.slice(from, to).map((u) => u.id);
  graph.groups.addGroups([
    { id: DRIVERS, displayName: "Drivers", groupTypes: [], securityEnabled: true, mailEnabled: false, members: ids(10, 130) },
    { id: ALL_STAFF, displayName: "All Staff", groupTypes: ["Unified"], securityEnabled: false, mailEnabled: true, members: [...ids(150, 160), DRIVERS] },
    { id: NEWSLETTER, displayName: "Newsletter", groupTypes: [], securityEnabled: false, mailEnabled: true, members: ids(0, 5) },
  ]);
});
afterEach(() => t.close());

const client = () =>
  new GraphClient({
    baseUrl: graph.baseUrl,
    tokenUrl: graph.tokenUrl.replace("{tenantId}", TENANT),
    clientId: GRAPH_CLIENT.id,
    clientSecret: GRAPH_CLIENT.secret,
  });
const sync = () => syncDirectory(t.deps.db, { id: orgId }, client(), "schedule");
const groupRow = async (oid: string) =>
  (
    await t.deps.db
      .select()
      .from(directoryGroups)
      .where(and(eq(directoryGroups.orgId, orgId), eq(directoryGroups.entraObjectId, oid)))
  )[0];
const memberOids = async (oid: string) =>
  (
    await t.deps.db
      .select({ oid: directoryGroupMembers.personOid })
      .from(directoryGroupMembers)
      .where(eq(directoryGroupMembers.groupId, (await groupRow(oid))!.id))
  )
    .map((r) => r.oid)
    .sort();
const oids = (from: number, to: number) =>
  users
    .slice(from, to)
    .map((u) => u.id.toLowerCase())
    .sort();
const transitiveReads = () => graph.groups.requests.filter((r) => r.path.endsWith("/transitiveMembers")).map((r) => r.path.split("/")[3]);
async function adminCookie() {
  await t.deps.db.write((tx) => tx.update(directoryPeople).set({ isAdmin: true }).where(eq(directoryPeople.mailNorm, users[0]!.mail!)));
  return t.signInAs(users[0]!.mail!);
}

describe("the groups sync", () => {
  it("stores security and Microsoft 365 groups with their transitive user members, reading transitiveMembers only for groups holding groups", async () => {
    expect(await sync()).toMatchObject({ status: "succeeded", added: 200 });
    const drivers = (await groupRow(DRIVERS))!;
    expect(drivers).toMatchObject({ kind: "security", name: "Drivers", nameNorm: "drivers", removedAt: null });
    expect(drivers.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(await groupRow(ALL_STAFF)).toMatchObject({ kind: "microsoft365", nestedGroups: [DRIVERS] });
    expect(await groupRow(NEWSLETTER)).toBeUndefined(); // a distribution list is not offered
    expect(await memberOids(DRIVERS)).toEqual(oids(10, 130)); // 120 members over three entries of the round
    expect(await memberOids(ALL_STAFF)).toEqual([...oids(10, 130), ...oids(150, 160)].sort());
    expect(transitiveReads()).toEqual([ALL_STAFF]);
    const [record] = await t.deps.db.select().from(directorySyncs).where(eq(directorySyncs.orgId, orgId));
    expect(record!.message).toBe("Full sync");
  });

  it("a later round applies member changes, re-reads the groups that hold a changed group, renames and removes", async () => {
    await sync();
    graph.groups.requests.length = 0;
    graph.groups.addMembers(DRIVERS, [users[140]!.id]);
    graph.groups.removeMembers(DRIVERS, [users[10]!.id]);
    expect(await sync()).toMatchObject({ status: "succeeded" });
    expect(await memberOids(DRIVERS)).toEqual([...oids(11, 130), ...oids(140, 141)].sort());
    expect(await memberOids(ALL_STAFF)).toEqual([...oids(11, 130), ...oids(140, 141), ...oids(150, 160)].sort());
    expect(transitiveReads()).toEqual([ALL_STAFF]);

    graph.groups.updateGroup(DRIVERS, { displayName: "Field Drivers" });
    graph.groups.removeGroup(ALL_STAFF);
    await sync();
    expect(await groupRow(DRIVERS)).toMatchObject({ name: "Field Drivers", nameNorm: "field drivers" });
    expect((await groupRow(ALL_STAFF))!.removedAt).not.toBeNull();
    expect(
      await t.deps.db
        .select()
        .from(directoryGroupMembers)
        .where(eq(directoryGroupMembers.groupId, (await groupRow(ALL_STAFF))!.id)),
    ).toEqual([]);
  });

  it("after an expired delta link the full round removes the groups it no longer lists", async () => {
    await sync();
    graph.groups.removeGroup(ALL_STAFF);
    graph.expireDeltaLinks();
    await sync();
    expect((await groupRow(ALL_STAFF))!.removedAt).not.toBeNull();
    expect((await groupRow(DRIVERS))!.removedAt).toBeNull();
  });

  it("without the groups permission people still sync, and the record says what to grant", async () => {
    graph.groups.refuse(403);
    expect(await sync()).toMatchObject({ status: "succeeded", added: 200 });
    const [record] = await t.deps.db.select().from(directorySyncs).where(eq(directorySyncs.orgId, orgId));
    expect(record!.message).toContain("grant the app registration the GroupMember.Read.All application permission");
    // Departments still come from the people; no Entra group was stored.
    expect((await t.deps.db.select().from(directoryGroups).where(isNull(directoryGroups.removedAt))).map((g) => g.kind)).toEqual(["department"]);
  });
});

describe("Entra groups in Invite User", () => {
  it("the type-ahead offers the group with its count; Invite invites its people and skips the disabled with the reason", async () => {
    graph.updateUser(users[20]!.id, { accountEnabled: false });
    await sync();
    const cookie = await adminCookie();
    const html = await (await t.get("/directory/search?q=driv", { cookie, htmx: true })).text();
    const id = (await groupRow(DRIVERS))!.id;
    expect(html).toContain(`data-group-id="${id}"`);
    expect(html).toContain("Security group · 119 people can be invited");
    const res = await t.post("/invitations", { group: id }, { cookie, htmx: true });
    expect(res.status).toBe(200);
    const result = await res.text();
    expect(result).toContain("119 people invited");
    expect(result).toMatch(/1 person<\/strong>: The directory account is disabled\.<ul><li>user000021@fabrikam\.test<\/li>/);
    expect((await t.deps.db.select().from(members)).length).toBe(119);
    // All Staff holds Drivers: its people are now invited too, so its count went down by as many.
    const after = await (await t.get("/directory/search?q=all", { cookie, htmx: true })).text();
    expect(after).toContain("Microsoft 365 group · 10 people can be invited");
  });

  it("a group removed from the directory answers 404 to Invite", async () => {
    await sync();
    const cookie = await adminCookie();
    const id = (await groupRow(DRIVERS))!.id;
    graph.groups.removeGroup(DRIVERS);
    await sync();
    expect((await t.post("/invitations", { group: id }, { cookie, htmx: true })).status).toBe(404);
    expect(await (await t.get("/directory/search?q=driv", { cookie, htmx: true })).text()).not.toContain("data-group-id");
  });
});
