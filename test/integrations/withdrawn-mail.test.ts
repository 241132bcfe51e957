// Withdrawing an invitation withdraws its email (issue 15 item 2), through the real app, the real
// import and mail workers and the real Resend SDK against the stand-in: archiving during a running
// Send Invite, a batch already claimed, a process that died with a batch claimed, invite again
// after archive, and a provider that already accepted a batch's key. And a resend shows the rate
// of the day it is sent (item 3).
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imports, invitations, mailOutbox, members } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { claimMailBatch } from "../../src/domain/outbox-delivery.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { sha256Hex } from "../../src/ids.js";
import { createResendTransport, type MailTransport } from "../../src/integrations/mail.js";
import { drainImports, startImportWorker } from "../../src/jobs/import-worker.js";
import { drainMailOnce, startMailWorker } from "../../src/jobs/mail-worker.js";
import { createPacer, type Pacer } from "../../src/jobs/pacer.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { startResendStandIn, type ResendStandIn } from "../support/resend-stand-in.js";

let t: TestApp;
let standIn: ResendStandIn;
let transport: MailTransport;
let admin: string;
const config = { mailRequestsPerSecond: 1000, mailMaxAttempts: 3 };

beforeEach(async () => {
  t = await createTestApp({ env: { IMPORT_MAX_ROWS: "5000" } });
  standIn = await startResendStandIn();
  transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: "MileIQ <invitations@mileiq.example>" });
});
afterEach(async () => {
  await standIn.close();
  t.close();
});

async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const memberOf = async (email: string) => (await t.deps.db.select().from(members).where(eq(members.emailNorm, email)))[0];
const mailsTo = (email: string) => t.deps.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
const deliveriesTo = (email: string) => standIn.deliveries.filter((d) => d.to === email);
const drainAll = async (owner = "test-worker") => {
  for (let i = 0; i < 100; i++) if ((await drainMailOnce({ db: t.deps.db, transport, config, owner })).outcome === "idle") return;
};
async function organization(extra: number) {
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra });
  admin = await t.signInAs("admin@contoso.example");
  const person = (await findPersonByAddress(t.deps.db, "admin@contoso.example"))!;
  return { personId: person.id, orgId: person.orgId, name: "Admin of Contoso" };
}

describe("archiving during a running Send Invite of 3,000 people", () => {
  it("no invitation email for an archived person leaves after the archive (Archive and bulk Archive), and no 'access ended' either", async () => {
    await organization(3000);
    const form = new FormData();
    form.append("file", new File([["email", ...Array.from({ length: 3000 }, (_, i) => `person${i + 1}@contoso.example`)].join("\n")], "all.csv"));
    const id = (await t.post("/imports", form, { cookie: admin })).headers.get("Location")!.split("/").pop()!;
    await drainImports({ db: t.deps.db, publicUrl: ORIGIN });
    expect((await t.post(`/imports/${id}/send`, {}, { cookie: admin })).status).toBe(303);

    // The server's two workers: Send Invite in transactions of 500 rows (so that it is still sending
    // after person 2,200, however fast the machine), and the mail at 4 requests (400 emails) a second.
    let mail = startMailWorker({ db: t.deps.db, transport, config: { mailRequestsPerSecond: 4, mailMaxAttempts: 3 }, idleMs: 10 });
    const importer = startImportWorker({ db: t.deps.db, publicUrl: ORIGIN, idleMs: 10, sendTransactionRows: 500, onInvited: () => mail.wake() });
    const single = "person2000@contoso.example";
    const bulk = ["person2100@contoso.example", "person2200@contoso.example"];
    try {
      await waitFor("the last of them to be invited", async () => (await memberOf(bulk[1]!)) !== undefined);
      const archiveStarted = performance.now();
      expect((await t.deps.db.select().from(imports).where(eq(imports.id, id)))[0]!.status).toBe("sending");
      const queued = await t.deps.db
        .select({ to: mailOutbox.to, status: mailOutbox.status })
        .from(mailOutbox)
        .where(inArray(mailOutbox.to, [single, ...bulk]));
      expect(queued.map((m) => m.status)).toEqual(["queued", "queued", "queued"]);
      expect((await t.post(`/users/${(await memberOf(single))!.id}/archive`, {}, { cookie: admin })).status).toBe(303);
      const ids = await Promise.all(bulk.map(async (email) => (await memberOf(email))!.id));
      expect((await t.post("/users/archive", { id: ids, confirm: "yes" }, { cookie: admin })).headers.get("Location")).toBe("/users?done=archived:2");

      // The rest may go faster: a worker that sends more a second takes over.
      await mail.stop();
      mail = startMailWorker({ db: t.deps.db, transport, config: { mailRequestsPerSecond: 50, mailMaxAttempts: 3 }, idleMs: 10 });
      await waitFor("Send Invite to finish", async () => (await t.deps.db.select().from(imports).where(eq(imports.id, id)))[0]!.status === "sent");
      await waitFor("every email to be sent", async () => (await t.deps.db.select().from(mailOutbox).where(eq(mailOutbox.status, "queued"))).length === 0);

      const startedAt = new Map(standIn.requests.filter((r) => r.status === 200 && !r.replayed).map((r) => [r.idempotencyKey, r.at]));
      for (const email of [single, ...bulk]) {
        const after = deliveriesTo(email).filter((d) => startedAt.get(d.idempotencyKey)! >= archiveStarted);
        expect(after, email).toEqual([]);
        // Their email was still waiting when they were archived: it never left, and there is no notice either.
        expect(deliveriesTo(email), email).toEqual([]);
        expect((await mailsTo(email)).map((m) => [m.kind, m.status])).toEqual([["invitation", "cancelled"]]);
        expect((await memberOf(email))!.status).toBe("archived");
      }
      expect(standIn.deliveries).toHaveLength(2997);
      expect(new Set(standIn.deliveries.map((d) => d.to)).size).toBe(2997);
    } finally {
      await importer.stop();
      await mail.stop();
    }
  }, 120_000);
});

describe("the mail worker checks again before sending", () => {
  it("a batch claimed before the archive committed goes without the archived person's email", async () => {
    const actor = await organization(5);
    await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example", "person2@contoso.example"] }, { publicUrl: ORIGIN });
    // The worker has claimed the batch and waits for its turn to send when the archive commits.
    let go!: () => void;
    const turn = new Promise<void>((resolve) => {
      go = resolve;
    });
    const pacer: Pacer = { ...createPacer(1000), take: () => turn };
    const sending = drainMailOnce({ db: t.deps.db, transport, config, pacer, owner: "worker-1" });
    await waitFor("the claim", async () => (await t.deps.db.select().from(mailOutbox).where(eq(mailOutbox.lockedBy, "worker-1"))).length === 2);
    await t.post(`/users/${(await memberOf("person1@contoso.example"))!.id}/archive`, {}, { cookie: admin });
    go();
    expect(await sending).toMatchObject({ outcome: "sent", claimed: 2, withdrawn: 1, sent: 1 });
    expect(standIn.deliveries.map((d) => d.to)).toEqual(["person2@contoso.example"]);
    expect((await mailsTo("person1@contoso.example")).map((m) => m.status)).toEqual(["cancelled"]);
  });

  it("after a restart with the queue full: a dead process's claimed batch and emails queued before cancelling existed are not sent for withdrawn invitations", async () => {
    const actor = await organization(300);
    await inviteMembers(t.deps.db, actor, { emails: Array.from({ length: 300 }, (_, i) => `person${i + 1}@contoso.example`) }, { publicUrl: ORIGIN });
    // A process claimed the first 100 and died; person 1 (in that batch) and person 150 are archived meanwhile.
    const dead = await claimMailBatch(t.deps.db, "dead-process", { leaseMs: 60_000 });
    expect(dead!.messages.map((m) => m.to)).toContain("person1@contoso.example");
    for (const email of ["person1@contoso.example", "person150@contoso.example"]) {
      await t.post(`/users/${(await memberOf(email))!.id}/archive`, {}, { cookie: admin });
    }
    // Person 250's invitation was revoked by a version that did not cancel emails: its email is still queued.
    const p250 = (await memberOf("person250@contoso.example"))!;
    await t.deps.db.write((tx) => tx.update(invitations).set({ revokedAt: new Date() }).where(eq(invitations.memberId, p250.id)));
    await t.deps.db.write((tx) => tx.update(members).set({ status: "archived" }).where(eq(members.id, p250.id)));
    expect((await mailsTo("person250@contoso.example")).map((m) => m.status)).toEqual(["queued"]);
    // The lease runs out; the next process sends what is left.
    await t.deps.db.write((tx) =>
      tx
        .update(mailOutbox)
        .set({ lockedUntil: new Date(Date.now() - 1) })
        .where(eq(mailOutbox.lockedBy, "dead-process")),
    );
    await drainAll("next-process");
    for (const email of ["person1@contoso.example", "person150@contoso.example", "person250@contoso.example"]) {
      expect(deliveriesTo(email), email).toEqual([]);
      expect(
        (await mailsTo(email)).filter((m) => m.kind === "invitation").map((m) => m.status),
        email,
      ).toEqual(["cancelled"]);
    }
    expect(standIn.deliveries).toHaveLength(297);
    // The dead process's batch went once, under its key, without person 1.
    expect(standIn.requests.filter((r) => r.idempotencyKey === dead!.batchKey).map((r) => [r.status, r.emails])).toEqual([[200, 99]]);
  });

  it("a provider that already accepted the batch's key (a request whose answer was lost): the rest are recorded as sent, nothing goes twice", async () => {
    const actor = await organization(3);
    await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example", "person2@contoso.example", "person3@contoso.example"] }, { publicUrl: ORIGIN });
    const batch = (await claimMailBatch(t.deps.db, "lost-answer", { leaseMs: 60_000 }))!;
    expect((await transport.sendBatch(batch.messages, batch.batchKey)).ok).toBe(true);
    // The process died before recording the answer; person 3 is archived; the lease runs out.
    await t.post(`/users/${(await memberOf("person3@contoso.example"))!.id}/archive`, {}, { cookie: admin });
    await t.deps.db.write((tx) =>
      tx
        .update(mailOutbox)
        .set({ lockedUntil: new Date(Date.now() - 1) })
        .where(eq(mailOutbox.lockedBy, "lost-answer")),
    );
    expect(await drainMailOnce({ db: t.deps.db, transport, config, owner: "next" })).toMatchObject({ outcome: "sent", claimed: 2, sent: 2 });
    expect(standIn.requests.map((r) => r.status)).toEqual([200, 409]);
    expect(standIn.deliveries).toHaveLength(3);
    const rows = await t.deps.db.select().from(mailOutbox).where(eq(mailOutbox.kind, "invitation")).orderBy(mailOutbox.to);
    expect(rows.map((m) => [m.to, m.status])).toEqual([
      ["person1@contoso.example", "sent"],
      ["person2@contoso.example", "sent"],
      ["person3@contoso.example", "cancelled"],
    ]);
    expect(rows[2]!.lastError).toContain("may have carried it");
  });
});

describe("replacing an invitation", () => {
  it("archive, then Invite again: only the new link is mailed", async () => {
    const actor = await organization(2);
    await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example"] }, { publicUrl: ORIGIN });
    const id = (await memberOf("person1@contoso.example"))!.id;
    await t.post(`/users/${id}/archive`, {}, { cookie: admin });
    await t.post(`/users/${id}/reinvite`, {}, { cookie: admin });
    await drainAll();
    const delivered = deliveriesTo("person1@contoso.example");
    expect(delivered).toHaveLength(1);
    const token = /\/join\/([\w-]{43})/.exec(delivered[0]!.text)![1]!;
    const [live] = await t.deps.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.memberId, id), eq(invitations.tokenHash, sha256Hex(token))));
    expect(live).toMatchObject({ revokedAt: null });
    // Nothing else for them: the first link's email was cancelled, and they never heard of it, so no notice.
    expect(standIn.deliveries).toHaveLength(1);
  });

  it("joining cancels a copy of the invitation still waiting (a resend)", async () => {
    const actor = await organization(1);
    await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example"] }, { publicUrl: ORIGIN });
    await drainAll();
    const id = (await memberOf("person1@contoso.example"))!.id;
    await t.post(`/users/${id}/resend`, {}, { cookie: admin });
    const token = /\/join\/([\w-]{43})/.exec(deliveriesTo("person1@contoso.example")[0]!.text)![1]!;
    const invitee = await t.signInAs("person1@contoso.example");
    expect((await t.post(`/join/${token}`, {}, { cookie: invitee })).status).toBeLessThan(400);
    expect((await memberOf("person1@contoso.example"))!.status).toBe("active");
    await drainAll();
    expect(deliveriesTo("person1@contoso.example")).toHaveLength(1);
    expect((await mailsTo("person1@contoso.example")).map((m) => m.status).sort()).toEqual(["cancelled", "sent"]);
  });
});

describe("a resend (item 3)", () => {
  it("shows the rate in force when it is sent, not the one of the first email", async () => {
    const actor = await organization(1);
    expect((await t.post("/settings/rate", { rate: "0.71" }, { cookie: admin })).status).toBe(303);
    await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example"] }, { publicUrl: ORIGIN });
    await drainAll();
    expect(deliveriesTo("person1@contoso.example")[0]!.text).toContain("$0.71 per mile");
    expect((await t.post("/settings/rate", { rate: "0.69" }, { cookie: admin })).status).toBe(303);
    await t.post(`/users/${(await memberOf("person1@contoso.example"))!.id}/resend`, {}, { cookie: admin });
    await drainAll();
    const [first, resent] = deliveriesTo("person1@contoso.example");
    for (const body of [resent!.text, resent!.html]) {
      expect(body).toContain("$0.69");
      expect(body).not.toContain("$0.71");
    }
    expect(resent!.subject).toBe("Reminder: Admin of Contoso invited you to MileIQ for Contoso");
    // The same link: the one the first email carried.
    expect(/\/join\/[\w-]{43}/.exec(resent!.text)![0]).toBe(/\/join\/[\w-]{43}/.exec(first!.text)![0]);
    // The join page says the same rate.
    expect(await (await t.get(/\/join\/[\w-]{43}/.exec(resent!.text)![0])).text()).toContain("$0.69");
  });
});
