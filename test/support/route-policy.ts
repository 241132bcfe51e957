// Who may do what: one declared answer per route and role, checked by test/security/
// authorization-matrix.test.ts against every route in `createApp(deps).routes`. A route the app
// serves with no entry here fails that test, so a new route is covered from the day it lands.
//
// Roles: signed out; `member`, a signed-in person of organization A without the Business
// Administrator role; `admin` of A; `otherAdmin`, the admin of organization B, who holds A's
// real ids (member ids, import ids, outbox ids, invitation tokens) and must get 404 for them.
// Answers: a status code, or "login" (303 to /login?next=…, or 204 + HX-Redirect for htmx).

export type Expected = number | "login";
export type Role = "signedOut" | "member" | "admin" | "otherAdmin";
export type RoleAnswers = Record<Role, Expected>;

/** What a path parameter or form placeholder ":id" stands for: fresh rows of organization A, made per request. */
export type Fixture =
  | "invitedMember" // a member invited through inviteMembers
  | "archivedMember" // invited, then archived through archiveMembers
  | "import" // an upload validated by the import worker (ready rows and problem rows)
  | "outboxMessage" // the invitation email inviteMembers queued
  | "invitation" // the token from that email (someone other than the four roles)
  | "staticFile";

export type RoutePolicy = RoleAnswers & {
  fixture?: Fixture;
  /** Form fields for a POST; the value ":id" is replaced with the fixture's id. */
  form?: Record<string, string | string[]>;
  /** A multipart upload in field `file`. */
  upload?: { name: string; content: string };
  query?: string;
  htmx?: boolean;
  /** The modes the route exists in (both unless said). */
  modes?: ("local" | "entra")[];
  /** Answers that differ when Entra is configured. */
  entra?: Partial<RoleAnswers>;
  /** State-changing routes must refuse a missing or foreign Origin; true for every non-GET unless said. */
  originChecked?: boolean;
};

const admins = (allowed: Expected, otherAdmin: Expected = allowed): RoleAnswers => ({ signedOut: "login", member: 403, admin: allowed, otherAdmin });
const everyone = (answer: Expected): RoleAnswers => ({ signedOut: answer, member: answer, admin: answer, otherAdmin: answer });
const year = new Date().getUTCFullYear();

export const routePolicy: Record<string, RoutePolicy> = {
  // Public: no session needed, nothing to protect.
  "GET /healthz": everyone(200),
  "GET /readyz": everyone(200), // the test app runs no workers (WORKERS=false) on a migrated database
  "GET /static/:name": { ...everyone(200), fixture: "staticFile" },
  "GET /": everyone(302),
  "GET /login": { signedOut: 200, member: 303, admin: 303, otherAdmin: 303 },
  "POST /login/local": { ...everyone(303), form: { email: "person1@a.example" }, modes: ["local", "entra"], entra: everyone(404) },
  "POST /logout": everyone(303),
  "GET /login/entra": { ...everyone(502), modes: ["entra"] }, // the test's authority is unreachable
  "GET /login/entra/callback": { ...everyone(400), modes: ["entra"] }, // no state cookies: start again
  // Signed by Resend instead (no session, no Origin); unsigned here, so 400 for everyone.
  "POST /webhooks/resend": { ...everyone(400), originChecked: false },
  // SCIM provisioning: a bearer token instead of a session (none here), so 401 for everyone; no Origin check.
  ...Object.fromEntries(
    [
      "GET /scim/v2/ServiceProviderConfig",
      "GET /scim/v2/Schemas",
      "GET /scim/v2/Schemas/:id",
      "GET /scim/v2/ResourceTypes",
      "GET /scim/v2/ResourceTypes/:id",
      "GET /scim/v2/Users",
      "POST /scim/v2/Users",
      "GET /scim/v2/Users/:id",
      "PUT /scim/v2/Users/:id",
      "PATCH /scim/v2/Users/:id",
      "DELETE /scim/v2/Users/:id",
    ].map((route) => [route, { ...everyone(401), originChecked: false, ...(route.includes(":id") ? { fixture: "invitedMember" as const } : {}) }]),
  ),
  // The invitation link: anyone may open it; only the invitee may Join (A's member and admin are someone else).
  "GET /join/:token": { signedOut: 200, member: 403, admin: 403, otherAdmin: 403, fixture: "invitation" },
  "POST /join/:token": { signedOut: 303, member: 403, admin: 403, otherAdmin: 403, fixture: "invitation" },
  "POST /join/:token/switch": { ...everyone(303), fixture: "invitation" },
  // The local mailbox: its emails carry invitation links, so admins only; gone when Entra is configured.
  "GET /outbox": { ...admins(200), entra: everyone(404) },
  "GET /outbox/:id": { ...admins(200, 404), fixture: "outboxMessage", entra: everyone(404) },
  // Business Administrators only.
  "GET /users": { ...admins(200), query: "?status=invited&q=a" },
  "GET /users/invite": { ...admins(200), query: "?q=person" },
  // Each admin exports their own organization's members (test/routes/roster-export.test.ts).
  "GET /users.csv": { ...admins(200), query: "?status=invited&q=person" },
  "POST /users/archive": { ...admins(303, 404), fixture: "invitedMember", form: { id: ":id", confirm: "yes" } },
  "GET /users/:id/archive": { ...admins(200, 404), fixture: "invitedMember" },
  "POST /users/:id/archive": { ...admins(303, 404), fixture: "invitedMember" },
  "POST /users/:id/resend": { ...admins(303, 404), fixture: "invitedMember" },
  "POST /users/:id/reinvite": { ...admins(303, 404), fixture: "archivedMember" },
  // B's admin may post A's address: it is not in B's directory, so nobody is invited (checked in the test).
  "POST /invitations": { ...admins(303), form: { email: "person2@a.example" } },
  // The result of a plain Invite post: with no result cookie, back to the Invite page.
  "GET /invitations/result": admins(303),
  "GET /directory/search": { ...admins(200), query: "?q=person", htmx: true },
  // Sync now (Entra mode only; in local mode there is no directory to sync: 404 for admins).
  "GET /directory/sync": { ...admins(404), htmx: true, entra: { admin: 200, otherAdmin: 200 } },
  "POST /directory/sync": { ...admins(404), entra: { admin: 303, otherAdmin: 303 } },
  "GET /settings": admins(200),
  "GET /settings/provisioning": admins(200),
  "POST /settings/scim/token": admins(303),
  "POST /settings/rate": { ...admins(303), form: { rate: "0.655", year: String(year) } },
  // Each admin sets their own organization's reminders (test/routes/reminders.test.ts).
  "POST /settings/reminders": { ...admins(303), form: { days: "7" } },
  // The confirmation counts the signed-in admin's organization only; with nobody to remind, 409.
  "GET /users/remind": admins(200),
  "POST /users/remind": admins(409),
  "GET /activity": admins(200),
  "GET /activity.csv": admins(200),
  "GET /imports": admins(200), // each admin sees their own organization's uploads
  "GET /imports/new": admins(200),
  "GET /imports/sample.csv": admins(200),
  "POST /imports": { ...admins(303), upload: { name: "people.csv", content: "email\r\nperson3@a.example\r\n" } },
  "GET /imports/:id": { ...admins(200, 404), fixture: "import" },
  "GET /imports/:id/status": { ...admins(200, 404), fixture: "import" },
  "GET /imports/:id/mail": { ...admins(200, 404), fixture: "import" }, // counts of the admin's own organization only
  "POST /imports/:id/send": { ...admins(303, 404), fixture: "import" },
  "GET /imports/:id/suggestions": { ...admins(303, 404), fixture: "import" }, // no typos to suggest: back to the import
  "POST /imports/:id/use-suggestions": { ...admins(409, 404), fixture: "import" }, // no typos to use: says so, changes nothing
  // Row 3 of the fixture is not an address: no suggestion to use, says so (test/routes/import-problems.test.ts).
  "POST /imports/:id/use-address": { ...admins(409, 404), fixture: "import", form: { row: "3" } },
  "GET /imports/:id/errors.csv": { ...admins(200, 404), fixture: "import" },
};
