// Local mode: no key, no network. The local transport marks emails sent and they stay readable.
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { mailOutbox } from "../../src/db/schema.js";
import { enqueueMails, getOutboxMessage } from "../../src/domain/outbox.js";
import { createMailTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { insertOrganization, makeMails } from "../support/mail-fixtures.js";

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database.close());

it("is the default without RESEND_API_KEY and keeps every email in the outbox, sent", async () => {
  const config = loadConfig({});
  const transport = createMailTransport(config);
  expect(transport.name).toBe("local");
  expect(createMailTransport(loadConfig({ RESEND_API_KEY: "re_x" })).name).toBe("resend");
  const orgId = await insertOrganization(database.db);
  const [id] = await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 120)));
  const first = await drainMailOnce({ db: database.db, transport, config });
  const second = await drainMailOnce({ db: database.db, transport, config });
  expect([first.sent, second.sent]).toEqual([100, 20]);
  const rows = await database.db.select().from(mailOutbox);
  expect(rows.every((r) => r.status === "sent" && /^local_[0-9a-f-]{36}$/.test(r.providerId!))).toBe(true);
  expect(new Set(rows.map((r) => r.providerId)).size).toBe(120);
  const kept = await getOutboxMessage(database.db, orgId, id!);
  expect(kept).toMatchObject({ to: "m0@example.test", html: "<p>Hello 0</p>", text: "Hello 0", status: "sent" });
});
