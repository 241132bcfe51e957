// Any JSON body (or any text as a body) and any filter string sent to the SCIM endpoints gets a
// SCIM error or a result, never a 500 and never an unlogged crash: fast-check generates bodies
// shaped like Users and PatchOps with hostile values, arbitrary JSON, raw text and filters.
import { Writable } from "node:stream";
import fc from "fast-check";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { issueScimToken } from "../../src/domain/scim-tokens.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { fuzzRuns, hostileText, wellFormed } from "../support/fuzz.js";
import { actorFor } from "../support/security-fixtures.js";
import { tutorialUser } from "../support/scim.js";

const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
let t: TestApp;
let app: ReturnType<typeof createApp>;
let token: string;
let userId: string;
const errors: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { SCIM_REQUESTS_PER_SECOND: "1000000" } });
  t.deps.logger = pino(
    { level: "error" },
    new Writable({
      write(chunk, _enc, done) {
        errors.push(String(chunk));
        done();
      },
    }),
  );
  app = createApp(t.deps);
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example" });
  token = await issueScimToken(t.deps.db, await actorFor(t.deps.db, "admin@contoso.example"));
  const created = await send("/Users", "POST", JSON.stringify(tutorialUser(1)));
  userId = ((await created.json()) as { id: string }).id;
});
afterAll(() => {
  t.close();
  expect(errors, "nothing logged as an error").toEqual([]);
});

async function send(path: string, method: string, body?: string): Promise<Response> {
  return app.request(`${ORIGIN}/scim/v2${path}`, {
    method,
    body,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}) },
  });
}

/** A SCIM answer: an allowed status, JSON, and an error in SCIM's format whenever it is not a success. */
async function expectScimAnswer(response: Response, what: string) {
  const text = await response.text();
  expect([200, 201, 204, 400, 404, 409, 413], `${what} -> ${response.status} ${text.slice(0, 300)}`).toContain(response.status);
  if (response.status === 204) return;
  expect(response.headers.get("content-type"), what).toContain("application/scim+json");
  const body = JSON.parse(text) as { schemas?: string[]; status?: string };
  if (response.status >= 400) expect(body, what).toMatchObject({ schemas: [ERROR], status: String(response.status) });
}

const text = hostileText.map(wellFormed);
const paths = fc.constantFrom(
  "active",
  "userName",
  "externalId",
  "displayName",
  "name.givenName",
  "name",
  "title",
  "emails",
  'emails[type eq "work"].value',
  'emails[type eq "work"]',
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  'phoneNumbers[type eq "mobile"].value',
  "__proto__",
  "name.__proto__.x",
  "emails[",
  'emails[type eq "work"].value.deeper',
  "",
);
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text, fc.constantFrom("True", "False", "x@contoso.example", true, false, null));
const userBody = fc.record(
  {
    userName: fc.oneof(text, fc.constantFrom("ann@contoso.example", "Test_User_1", "")),
    externalId: fc.oneof(text, fc.uuid()),
    active: value,
    emails: fc.oneof(
      value,
      fc.array(fc.record({ type: fc.oneof(text, fc.constant("work")), value: fc.oneof(text, fc.emailAddress()), primary: value }, { requiredKeys: [] }), {
        maxLength: 3,
      }),
    ),
    name: fc.oneof(value, fc.dictionary(fc.constantFrom("givenName", "familyName", "formatted", "__proto__"), value)),
    displayName: value,
    title: value,
  },
  { requiredKeys: [] },
);
const patchBody = fc.record(
  {
    schemas: fc.constant(["urn:ietf:params:scim:api:messages:2.0:PatchOp"]),
    Operations: fc.oneof(
      value,
      fc.array(
        fc.record(
          { op: fc.oneof(fc.constantFrom("add", "Add", "REPLACE", "remove", "Remove"), text), path: fc.oneof(paths, text), value },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
    ),
  },
  { requiredKeys: [] },
);
const anyBody = fc.oneof(
  userBody.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  text,
);
const anyPatch = fc.oneof(
  patchBody.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  text,
);
const filter = fc.oneof(
  text,
  fc
    .tuple(
      fc.constantFrom("userName", "externalId", "id", "emails.value", 'emails[type eq "work"].value', "displayName", "(", "not"),
      fc.constantFrom("eq", "co", "pr", "and", "EQ", "gt"),
      fc.oneof(
        text.map((s) => JSON.stringify(s)),
        text,
      ),
    )
    .map((p) => p.join(" ")),
);

describe("SCIM endpoints under random and hostile input", () => {
  it("POST /Users and PUT /Users/:id: any body gets a SCIM error or a result", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        await expectScimAnswer(await send("/Users", "POST", body), `POST ${body.slice(0, 200)}`);
        await expectScimAnswer(await send(`/Users/${userId}`, "PUT", body), `PUT ${body.slice(0, 200)}`);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it("PATCH /Users/:id: any body gets a SCIM error or a result, and never pollutes prototypes", async () => {
    await fc.assert(
      fc.asyncProperty(anyPatch, async (body) => {
        await expectScimAnswer(await send(`/Users/${userId}`, "PATCH", body), `PATCH ${body.slice(0, 200)}`);
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("GET /Users?filter=…&startIndex=…&count=…: any filter gets a list or a 400", async () => {
    await fc.assert(
      fc.asyncProperty(filter, fc.oneof(fc.integer(), text), fc.oneof(fc.integer(), text), async (f, start, count) => {
        const query = new URLSearchParams({ filter: f, startIndex: String(start), count: String(count) });
        await expectScimAnswer(await send(`/Users?${query}`, "GET"), `filter ${f}`);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});
