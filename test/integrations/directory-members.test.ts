// Directory changes reach members (issue 15 item 12): after a rename or a new address in the
// directory, by the Graph delta sync (the stand-in over HTTP) or by directory:import's upsert,
// the Users row and the invitation's join and welcome pages show the directory's current name
// and address.
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { directoryPeople, invitations, members, organizations } from "../../src/db/schema.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { syncDirectory } from "../../src/domain/directory-sync.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { newId, newToken, sha256Hex } from "../../src/ids.js";
import { GraphClient } from "../../src/integrations/graph.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn, type StandInUser } from "../support/graph-stand-in.js";

const TENANT = "0b7c3c2e-1111-4222-8333-444455556666";
let graph: GraphStandIn;
let t: TestApp;
let orgId: string;
let users: StandInUser[];

beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => graph.stop());
beforeEach(async () => {
  graph.users.clear();
  users = makeUsers(3);
  graph.addUsers(users);
  graph.expireDeltaLinks();
  t = await createTestApp();
  orgId = newId();
  await t.deps.db.write((tx) => tx.insert(organizations).values({ id: orgId, tenantId: TENANT, name: "Fabrikam", domains: ["fabrikam.test"] }));
});
afterEach(() => t.close());

const graphClient = () =>
  new GraphClient({
    baseUrl: graph.baseUrl,
    tokenUrl: graph.tokenUrl.replace("{tenantId}", TENANT),
    clientId: GRAPH_CLIENT.id,
    clientSecret: GRAPH_CLIENT.secret,
  });
const sync = () => syncDirectory(t.deps.db, { id: orgId }, graphClient(), "schedule");
const personOf = async (oid: string) =>
  (
    await t.deps.db
      .select()
      .from(directoryPeople)
      .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.entraObjectId, oid)))
  )[0]!;
const memberOf = async (personId: string) => (await t.deps.db.select().from(members).where(eq(members.personId, personId)))[0]!;

/** Invites the person (the first user is the admin) and answers a token for their invitation. */
async function invite(personId: string): Promise<string> {
  const admin = await personOf(users[0]!.id);
  await t.deps.db.write((tx) => tx.update(directoryPeople).set({ isAdmin: true }).where(eq(directoryPeople.id, admin.id)));
  await inviteMembers(t.deps.db, { personId: admin.id, orgId, name: admin.displayName }, { personIds: [personId] }, { publicUrl: "http://localhost:3000" });
  const token = newToken();
  await t.deps.db.write(async (tx) =>
    tx
      .update(invitations)
      .set({ tokenHash: sha256Hex(token) })
      .where(eq(invitations.memberId, (await memberOf(personId)).id)),
  );
  return token;
}

describe("after the Graph delta sync", () => {
  it("the Users row, the join page and the welcome page show the directory's current name and address", async () => {
    await sync();
    const person = await personOf(users[1]!.id);
    const token = await invite(person.id);
    graph.updateUser(users[1]!.id, { displayName: "Robin Newname", mail: "robin.newname@fabrikam.test", userPrincipalName: "robin.newname@fabrikam.test" });
    expect(await sync()).toMatchObject({ status: "succeeded", updated: 1 });

    expect(await memberOf(person.id)).toMatchObject({
      name: "Robin Newname",
      sortName: "robin newname",
      email: "robin.newname@fabrikam.test",
      emailNorm: "robin.newname@fabrikam.test",
    });
    const admin = await t.signInAs(users[0]!.mail!);
    const list = (await (await t.get("/users", { cookie: admin })).text()).replaceAll("<wbr>", ""); // addresses break after @ and .
    expect(list).toContain("Robin Newname");
    expect(list).toContain("robin.newname@fabrikam.test");
    expect(list).not.toContain("user000002@fabrikam.test");

    const invitee = await t.signInAs("robin.newname@fabrikam.test");
    const landing = await (await t.get(`/join/${token}`, { cookie: invitee })).text();
    expect(landing).toContain("Robin Newname (robin.newname@fabrikam.test)");
    expect((await t.post(`/join/${token}`, {}, { cookie: invitee })).status).toBe(303);
    const welcome = await (await t.get(`/join/${token}`, { cookie: invitee })).text();
    expect(welcome).toContain("Welcome to MileIQ, Robin Newname");
    expect(welcome).toContain("(robin.newname@fabrikam.test)");
    expect(welcome).not.toContain("user000002");
  });

  it("an address another member holds is not taken; the name still changes", async () => {
    await sync();
    const [a, b] = [await personOf(users[1]!.id), await personOf(users[2]!.id)];
    await invite(a.id);
    await invite(b.id);
    graph.updateUser(users[1]!.id, { displayName: "Takes B's Address", mail: users[2]!.mail });
    await sync();
    expect(await memberOf(a.id)).toMatchObject({ name: "Takes B's Address", email: users[1]!.mail });
    expect(await memberOf(b.id)).toMatchObject({ email: users[2]!.mail });
  });
});

describe("after directory:import (upsertDirectoryPeople)", () => {
  it("the member's copy follows the file's new name and address", async () => {
    const entry = {
      entraObjectId: null,
      userPrincipalName: "casey@fabrikam.test",
      mail: "casey@fabrikam.test",
      displayName: "Casey Old",
      givenName: null,
      surname: null,
      jobTitle: null,
      department: null,
      accountEnabled: true,
    };
    await t.deps.db.write((tx) =>
      upsertDirectoryPeople(tx, orgId, [entry, { ...entry, userPrincipalName: "admin@fabrikam.test", mail: "admin@fabrikam.test", displayName: "Admin" }]),
    );
    const casey = (await t.deps.db.select().from(directoryPeople).where(eq(directoryPeople.upnNorm, "casey@fabrikam.test")))[0]!;
    const admin = (await t.deps.db.select().from(directoryPeople).where(eq(directoryPeople.upnNorm, "admin@fabrikam.test")))[0]!;
    await inviteMembers(t.deps.db, { personId: admin.id, orgId, name: "Admin" }, { personIds: [casey.id] }, { publicUrl: "http://localhost:3000" });
    await t.deps.db.write((tx) => upsertDirectoryPeople(tx, orgId, [{ ...entry, mail: "casey.new@fabrikam.test", displayName: "Casey New" }]));
    expect(await memberOf(casey.id)).toMatchObject({
      name: "Casey New",
      sortName: "casey new",
      email: "casey.new@fabrikam.test",
      emailNorm: "casey.new@fabrikam.test",
    });
  });

  it("counts as updated only the people whose entry changed (the same file again updates nobody)", async () => {
    const entry = (n: number, name = `Person ${n}`) => ({
      entraObjectId: null,
      userPrincipalName: `p${n}@fabrikam.test`,
      mail: `p${n}@fabrikam.test`,
      displayName: name,
      givenName: null,
      surname: null,
      jobTitle: "Engineer",
      department: null,
      accountEnabled: true,
    });
    const file = [1, 2, 3].map((n) => entry(n));
    expect(await t.deps.db.write((tx) => upsertDirectoryPeople(tx, orgId, file))).toMatchObject({ added: 3, updated: 0, archived: 0 });
    expect(await t.deps.db.write((tx) => upsertDirectoryPeople(tx, orgId, file))).toMatchObject({ added: 0, updated: 0, archived: 0 });
    expect(
      await t.deps.db.write((tx) => upsertDirectoryPeople(tx, orgId, [entry(1), entry(2, "Renamed"), { ...entry(3), accountEnabled: false }, entry(4)])),
    ).toMatchObject({ added: 1, updated: 2, archived: 0 });
  });
});
