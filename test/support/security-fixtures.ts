// Real rows of organization A for the security tests, made through the domain functions (the
// same calls the routes make): invited and archived members, a validated import, an invitation
// email in the outbox and its token. Each call makes a fresh one, so no request sees another's state.
import { and, eq } from "drizzle-orm";
import { imports, mailOutbox, members } from "../../src/db/schema.js";
import type { Db } from "../../src/db/client.js";
import type { Actor } from "../../src/domain/actor.js";
import { createImport } from "../../src/domain/imports.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import type { Fixture } from "./route-policy.js";
import { withEmail } from "./mail-fixtures.js";
import { outboxContextSql } from "../../src/domain/outbox.js";

export type Made = { id: string /** Reads back what a refused request must not have changed. */; state(): Promise<unknown> };

export async function actorFor(db: Db, email: string): Promise<Actor & { personId: string }> {
  const person = await findPersonByAddress(db, email);
  if (!person) throw new Error(`no directory person ${email}`);
  return { personId: person.id, orgId: person.orgId, name: person.displayName };
}

/** Fixtures of one organization whose directory has person1..personN@domain. */
export function fixtureMaker(db: Db, admin: Actor, domain: string, publicUrl: string, firstPerson = 10) {
  let next = firstPerson;
  const memberState = (id: string) => async () => (await db.select({ s: members.status }).from(members).where(eq(members.id, id)))[0]?.s;

  async function invite(): Promise<{ memberId: string; email: string }> {
    const email = `person${next++}@${domain}`;
    const { outcomes } = await inviteMembers(db, admin, { emails: [email] }, { publicUrl });
    if (outcomes[0]?.result !== "invited") throw new Error(`fixture invite of ${email}: ${outcomes[0]?.result}`);
    return { memberId: outcomes[0].memberId!, email };
  }

  async function invitationMail(): Promise<{ id: string; text: string; memberId: string }> {
    const { memberId, email } = await invite();
    const [mail] = await db
      .select({ id: mailOutbox.id, template: mailOutbox.template, params: mailOutbox.params, context: outboxContextSql })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.orgId, admin.orgId), eq(mailOutbox.to, email), eq(mailOutbox.kind, "invitation")));
    return { id: mail!.id, text: withEmail(mail!).text, memberId };
  }

  return async function make(fixture: Fixture): Promise<Made> {
    switch (fixture) {
      case "staticFile":
        return { id: "app.css", state: async () => null };
      case "invitedMember": {
        const { memberId } = await invite();
        return { id: memberId, state: memberState(memberId) };
      }
      case "archivedMember": {
        const { memberId } = await invite();
        await archiveMembers(db, admin, [memberId]);
        return { id: memberId, state: memberState(memberId) };
      }
      case "outboxMessage": {
        const mail = await invitationMail();
        return { id: mail.id, state: async () => null };
      }
      case "invitation": {
        const mail = await invitationMail();
        const token = /\/join\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
        return { id: token, state: memberState(mail.memberId) };
      }
      case "import": {
        const csv = `email\r\nperson${next++}@${domain}\r\nnot an address\r\nghost@${domain}\r\n`;
        const created = await createImport(db, admin, { fileName: "fixture.csv", bytes: new TextEncoder().encode(csv) }, { maxBytes: 1 << 20, maxRows: 1000 });
        if (!created.ok) throw new Error(created.message);
        await drainImports({ db, publicUrl });
        const state = async () =>
          (await db.select({ s: imports.status, sent: imports.sendRequestedAt }).from(imports).where(eq(imports.id, created.importId)))[0];
        return { id: created.importId, state };
      }
    }
  };
}
