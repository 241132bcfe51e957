// Reminders: the setting (POST /settings/reminders), the automatic reminders the job sends (the
// same link, at most two per invitation, never to someone Active, Archived, revoked or gone), and
// "Remind everyone invited more than N days ago" on the Invited view (GET/POST /users/remind),
// logged with the number of people actually reminded. Real database, real mail worker (local
// transport), the real reminder job.
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, directoryPeople, invitations, mailOutbox, reminderSchedules } from "../../src/db/schema.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { acceptInvitationForIdentity } from "../../src/domain/join.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { createLocalTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { drainReminders } from "../../src/jobs/reminder-worker.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { actorFor } from "../support/security-fixtures.js";
import { withEmail } from "../support/mail-fixtures.js";
import { outboxContextSql } from "../../src/domain/outbox.js";

const DAY = 86_400_000;
let t: TestApp;
let admin: string;
let orgId: string;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 200 });
  await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example", extra: 5 });
  admin = await t.signInAs("admin@contoso.example");
  orgId = (await actorFor(t.deps.db, "admin@contoso.example")).orgId;
});
afterAll(() => t.close());

beforeEach(async () => {
  // Each test starts with reminders off and no request, and every earlier invitation out of range.
  await t.deps.db.write((tx) => tx.delete(reminderSchedules));
  await t.deps.db.write((tx) => tx.update(invitations).set({ remindersSent: 2 }));
});

const publicUrl = () => t.deps.config.publicUrl;
const sendMail = async () => {
  while (
    (await drainMailOnce({ db: t.deps.db, transport: createLocalTransport(), config: { mailRequestsPerSecond: 1000, mailMaxAttempts: 3 } })).outcome !== "idle"
  );
};
/** The reminder job, then the mail worker (a reminder counts as the invitation's last email once sent). */
const remind = async () => {
  await drainReminders({ db: t.deps.db, publicUrl: publicUrl() });
  await sendMail();
};

/** Invites fresh people of `org` (admin@ its domain invites), sends their emails, and dates the emails `daysAgo` back. */
async function invited(count: number, daysAgo: number, domain = "contoso.example") {
  const actor = await actorFor(t.deps.db, `admin@${domain}`);
  const emails = Array.from({ length: count }, () => `person${++n}@${domain}`);
  const { outcomes } = await inviteMembers(t.deps.db, actor, { emails }, { publicUrl: publicUrl() });
  await sendMail();
  const memberIds = outcomes.map((o) => o.memberId!);
  await backdate(memberIds, daysAgo);
  return Promise.all(
    memberIds.map(async (memberId, i) => {
      const [inv] = await t.deps.db.select().from(invitations).where(eq(invitations.memberId, memberId));
      const [mail] = (
        await t.deps.db
          .select({ template: mailOutbox.template, params: mailOutbox.params, context: outboxContextSql })
          .from(mailOutbox)
          .where(and(eq(mailOutbox.invitationId, inv!.id), eq(mailOutbox.kind, "invitation")))
      ).map(withEmail);
      const token = /\/join\/([A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
      return { memberId, invitationId: inv!.id, email: emails[i]!, token, personId: outcomes[i]!.personId! };
    }),
  );
}
const backdate = (memberIds: string[], daysAgo: number) =>
  t.deps.db.write((tx) =>
    tx
      .update(invitations)
      .set({ lastSentAt: new Date(Date.now() - daysAgo * DAY) })
      .where(inArray(invitations.memberId, memberIds)),
  );

const remindersOf = async (invitationIds: string[]) =>
  (
    await t.deps.db
      .select({
        invitationId: mailOutbox.invitationId,
        to: mailOutbox.to,
        template: mailOutbox.template,
        params: mailOutbox.params,
        context: outboxContextSql,
        status: mailOutbox.status,
      })
      .from(mailOutbox)
      .where(and(inArray(mailOutbox.invitationId, invitationIds), eq(mailOutbox.kind, "reminder")))
  ).map(withEmail);

async function setDays(days: string, htmx = false) {
  return t.post("/settings/reminders", { days }, { cookie: admin, htmx });
}

describe("POST /settings/reminders", () => {
  it("saves 3, 7, 14 or off, says so, and logs the change; anything else is refused with what to choose", async () => {
    const saved = await setDays("7");
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/settings?reminders=saved");
    const page = await (await t.get("/settings?reminders=saved", { cookie: admin })).text();
    expect(page).toContain('<input type="radio" name="days" value="7" checked=""/>');
    expect(page).toContain("reminded 7 days after their invitation, and again 7 days later");
    const fragment = await (await setDays("14", true)).text();
    expect(fragment.startsWith('<section id="reminder-settings"')).toBe(true);
    expect(fragment).toMatch(/value="14" checked=""/);
    for (const bad of ["5", "", "seven", "-3", "1000"]) {
      const refused = await setDays(bad);
      expect(refused.status, bad).toBe(422);
      expect(await refused.text()).toContain("Choose after 3, 7 or 14 days, or Off.");
    }
    expect((await setDays("0", true)).status).toBe(200);
    const [row] = await t.deps.db.select().from(reminderSchedules).where(eq(reminderSchedules.orgId, orgId));
    expect(row!.days).toBe(0);
    const logged = await t.deps.db
      .select({ detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "settings.reminders")))
      .orderBy(auditEvents.id);
    expect(logged.slice(-3).map((e) => e.detail)).toEqual([
      { oldDays: 0, newDays: 7 },
      { oldDays: 7, newDays: 14 },
      { oldDays: 14, newDays: 0 },
    ]);
  });
});

describe("automatic reminders", () => {
  it("remind Invited people after N days with the same link, at most twice; never an Active, Archived, revoked or departed person", async () => {
    const [waiting, joined, archived, left, recent] = [...(await invited(4, 8)), ...(await invited(1, 2))];
    // Joined: through the link itself. Archived: revokes the invitation. Left: the directory says so.
    expect((await acceptInvitationForIdentity(t.deps.db, { personId: joined!.personId, orgId }, joined!.token)).ok).toBe(true);
    await archiveMembers(t.deps.db, await actorFor(t.deps.db, "admin@contoso.example"), [archived!.memberId]);
    await t.deps.db.write((tx) => tx.update(directoryPeople).set({ removedAt: new Date() }).where(eq(directoryPeople.id, left!.personId)));
    const all = [waiting!, joined!, archived!, left!, recent!].map((p) => p.invitationId);

    await remind(); // reminders are off
    expect(await remindersOf(all)).toEqual([]);
    await setDays("7");
    await remind();
    const first = await remindersOf(all);
    expect(first.map((m) => m.invitationId)).toEqual([waiting!.invitationId]);
    expect(first[0]!.to).toBe(waiting!.email);
    expect(first[0]!.subject).toMatch(/^Reminder: /);
    expect(first[0]!.text).toContain(`${publicUrl()}/join/${waiting!.token}`); // the same link
    await remind(); // not due again: the next pass is an hour away, and the reminder was just sent
    expect(await remindersOf(all)).toHaveLength(1);

    // Seven days later, the second; after that, never again.
    for (const expected of [2, 2]) {
      await backdate([waiting!.memberId, recent!.memberId], 8);
      await t.deps.db.write((tx) => tx.update(reminderSchedules).set({ nextRunAt: new Date() }));
      await remind();
      expect((await remindersOf([waiting!.invitationId])).length).toBe(expected);
    }
    const reminded = await remindersOf(all);
    // The recent one became due too, and had its two; nobody else ever had one.
    expect(reminded.map((m) => m.invitationId).sort()).toEqual(
      [waiting!.invitationId, waiting!.invitationId, recent!.invitationId, recent!.invitationId].sort(),
    );
    const [count] = await t.deps.db.select({ reminders: invitations.remindersSent }).from(invitations).where(eq(invitations.id, waiting!.invitationId));
    expect(count!.reminders).toBe(2);
    // The person's activity says so, as the system's doing.
    const events = await t.deps.db
      .select({ actor: auditEvents.actorId, detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "member.remind"), eq(auditEvents.memberId, waiting!.memberId)));
    expect(events.map((e) => [e.actor, (e.detail as { reminder: number }).reminder])).toEqual([
      [null, 1],
      [null, 2],
    ]);
  });

  it("a reminder queued before the person joined is withdrawn, not sent", async () => {
    const [person] = await invited(1, 8);
    await setDays("3");
    await drainReminders({ db: t.deps.db, publicUrl: publicUrl() });
    expect(await remindersOf([person!.invitationId])).toHaveLength(1);
    expect((await acceptInvitationForIdentity(t.deps.db, { personId: person!.personId, orgId }, person!.token)).ok).toBe(true);
    await sendMail();
    expect((await remindersOf([person!.invitationId])).map((m) => m.status)).toEqual(["cancelled"]);
  });

  it("renders the reminder from current data, the person's name escaped", async () => {
    const [person] = await invited(1, 8);
    await t.deps.db.write((tx) =>
      upsertDirectoryPeople(tx, orgId, [
        {
          entraObjectId: null,
          userPrincipalName: person!.email,
          mail: person!.email,
          displayName: "<b>Zoë</b> & co",
          givenName: null,
          surname: null,
          jobTitle: null,
          department: null,
          accountEnabled: true,
        },
      ]),
    );
    await setDays("7");
    await remind();
    const [mail] = await remindersOf([person!.invitationId]);
    expect(mail!.html).toContain("Hi &lt;b&gt;Zoë&lt;/b&gt; &amp; co,");
    expect(mail!.html).not.toContain("<b>Zoë</b>");
  });
});

describe("Remind everyone invited more than N days ago", () => {
  it("is offered on the Invited view only, with the setting's days (7 while reminders are off)", async () => {
    const invitedView = await (await t.get("/users?status=invited", { cookie: admin })).text();
    expect(invitedView).toContain(
      '<a role="button" class="secondary outline" href="/users/remind" data-dialog="remind-dialog">Remind everyone invited more than 7 days ago</a>',
    );
    expect(await (await t.get("/users", { cookie: admin })).text()).not.toContain("/users/remind");
    await setDays("14");
    expect(await (await t.get("/users?status=invited", { cookie: admin })).text()).toContain("Remind everyone invited more than 14 days ago");
  });

  it("says how many it would remind, reminds them through the job, and logs the number actually reminded", async () => {
    const people = [...(await invited(3, 9)), ...(await invited(1, 3))];
    const confirm = await (await t.get("/users/remind", { cookie: admin })).text();
    expect(confirm).toContain("Remind 3 people invited more than 7 days ago?");
    expect(confirm).toContain('<button type="submit">Remind 3 people</button>');
    const dialog = await (await t.get("/users/remind", { cookie: admin, htmx: true })).text();
    expect(dialog.startsWith('<section id="remind-confirm"')).toBe(true);

    // One of them joins between the confirmation and the job: the log counts the people reminded.
    const asked = await t.post("/users/remind", {}, { cookie: admin });
    expect(asked.status).toBe(303);
    expect(asked.headers.get("location")).toBe("/users?status=invited&done=reminding:3");
    expect(await (await t.get(asked.headers.get("location")!, { cookie: admin })).text()).toContain("Reminders are on their way to 3 people.");
    expect((await acceptInvitationForIdentity(t.deps.db, { personId: people[0]!.personId, orgId }, people[0]!.token)).ok).toBe(true);
    const again = await (await t.post("/users/remind", {}, { cookie: admin, htmx: true })).text();
    expect(again).toContain("Already reminding");
    await remind();
    expect((await remindersOf(people.map((p) => p.invitationId))).map((m) => m.invitationId).sort()).toEqual(
      [people[1]!.invitationId, people[2]!.invitationId].sort(),
    );
    const [logged] = await t.deps.db
      .select({ actor: auditEvents.actorId, detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "reminders.send")));
    expect(logged!.detail).toEqual({ days: 7, reminded: 2 });
    expect(logged!.actor).toBe((await actorFor(t.deps.db, "admin@contoso.example")).personId);
    const activity = await (await t.get("/activity?action=reminders.send", { cookie: admin })).text();
    expect(activity).toContain("Reminded everyone invited more than 7 days ago who had not joined (2 people)");

    // Done: nothing left to remind, so nothing is asked for.
    const none = await t.post("/users/remind", {}, { cookie: admin, htmx: true });
    expect(none.status).toBe(409);
    expect(await none.text()).toContain("No one to remind");
    expect(await remindersOf(people.map((p) => p.invitationId))).toHaveLength(2);
  });

  it("is for admins only (403), and another organization's admin neither sees nor reminds ours", async () => {
    const ours = await invited(2, 9);
    const member = await t.signInAs("member@contoso.example");
    expect((await t.get("/users/remind", { cookie: member })).status).toBe(403);
    expect((await t.post("/users/remind", {}, { cookie: member })).status).toBe(403);
    expect((await t.post("/settings/reminders", { days: "3" }, { cookie: member })).status).toBe(403);
    const theirs = await t.signInAs("admin@fabrikam.example");
    expect(await (await t.get("/users/remind", { cookie: theirs })).text()).toContain("No one to remind");
    expect((await t.post("/users/remind", {}, { cookie: theirs })).status).toBe(409);
    expect((await t.post("/settings/reminders", { days: "3" }, { cookie: theirs })).status).toBe(303);
    await remind();
    expect(await remindersOf(ours.map((p) => p.invitationId))).toEqual([]);
    const schedules = await t.deps.db.select({ orgId: reminderSchedules.orgId, days: reminderSchedules.days }).from(reminderSchedules);
    expect(schedules.filter((s) => s.orgId === orgId)).toEqual([]);
  });
});
