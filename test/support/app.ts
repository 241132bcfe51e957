// Route tests through app.request(): a real migrated libSQL file, the real app, real sessions.
import { createApp } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import type { Deps } from "../../src/context.js";
import { createSession } from "../../src/auth/session.js";
import { findOrCreateOrganization, upsertDirectoryPeople, type DirectoryPersonInput } from "../../src/domain/directory.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { directoryPeople } from "../../src/db/schema.js";
import { eq } from "drizzle-orm";
import { createLogger } from "../../src/logger.js";
import { seedDemo } from "../../src/demo/seed.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

/** PUBLIC_URL of test apps: requests go to its host (others are refused with 421) and POSTs carry it as Origin. */
export const ORIGIN = "http://localhost:3000";

export type TestApp = {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  database: TestDatabase;
  /** GET (or any request) to PUBLIC_URL + path as the holder of `cookie`; `htmx` adds HX-Request. */
  get(path: string, options?: { cookie?: string; htmx?: boolean; headers?: Record<string, string> }): Promise<Response>;
  /** A same-origin form POST (to PUBLIC_URL + path, Origin set) as the holder of `cookie`. Arrays repeat the field. */
  post(
    path: string,
    form: Record<string, string | string[]> | FormData,
    options?: { cookie?: string; htmx?: boolean; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Signs in as a directory person (by address) and answers the Cookie header to send. */
  signInAs(email: string): Promise<string>;
  close(): void;
};

export async function createTestApp(options: { env?: Record<string, string>; seedDemo?: boolean } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // Outside local mode start-up insists on a mail transport. Route tests run no workers, so an
  // Entra test app that names none gets Resend at an address where nothing listens: nothing is sent.
  const entraWithoutMail = options.env?.ENTRA_CLIENT_ID && !options.env.RESEND_API_KEY && !options.env.MAIL_TRANSPORT;
  const mail = entraWithoutMail ? { RESEND_API_KEY: "re_test_never_sent", RESEND_BASE_URL: "http://127.0.0.1:9" } : {};
  const config: Config = {
    ...loadConfig({ PUBLIC_URL: ORIGIN, ...database.env, LOG_LEVEL: "silent", SEED_DEMO: "false", WORKERS: "false", ...mail, ...options.env }),
  };
  const deps: Deps = { db: database.db, config, logger: createLogger("silent") };
  if (options.seedDemo) await seedDemo(database.db);
  const app = createApp(deps);
  const headersFor = (o?: { cookie?: string; htmx?: boolean; headers?: Record<string, string> }) => ({
    ...(o?.cookie ? { Cookie: o.cookie } : {}),
    ...(o?.htmx ? { "HX-Request": "true" } : {}),
    ...o?.headers,
  });
  const origin = config.publicUrl;
  return {
    app,
    deps,
    database,
    get: async (path, o) => app.request(origin + path, { headers: headersFor(o) }),
    post: async (path, form, o) => {
      let body: FormData | URLSearchParams;
      if (form instanceof FormData) body = form;
      else {
        body = new URLSearchParams();
        for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      }
      return app.request(origin + path, { method: "POST", body, headers: { Origin: origin, ...headersFor(o) } });
    },
    signInAs: async (email) => {
      const person = await findPersonByAddress(database.db, email);
      if (!person) throw new Error(`no directory person ${email}`);
      const { token } = await createSession(
        database.db,
        { personId: person.id, orgId: person.orgId, roles: person.isAdmin ? ["admin"] : [] },
        { maxHours: config.sessionMaxHours },
      );
      return `session=${token}`;
    },
    close: () => database.close(),
  };
}

export type TestPerson = Partial<DirectoryPersonInput> & { email: string; isAdmin?: boolean };

/** An organization with its directory: by default an admin, a member without the role, and `extra` people. */
export async function createOrganization(db: Deps["db"], input: { name: string; domain: string; people?: TestPerson[]; extra?: number }) {
  const org = await db.write((tx) => findOrCreateOrganization(tx, { name: input.name, domains: [input.domain] }));
  const people: TestPerson[] = input.people ?? [
    { email: `admin@${input.domain}`, displayName: `Admin of ${input.name}`, isAdmin: true },
    { email: `member@${input.domain}`, displayName: `Member of ${input.name}` },
    ...Array.from({ length: input.extra ?? 0 }, (_, i) => ({
      email: `person${i + 1}@${input.domain}`,
      displayName: `Person ${i + 1}`,
      givenName: "Person",
      surname: String(i + 1),
    })),
  ];
  await db.write((tx) =>
    upsertDirectoryPeople(
      tx,
      org.id,
      people.map((p) => ({
        entraObjectId: p.entraObjectId ?? null,
        userPrincipalName: p.userPrincipalName ?? p.email,
        mail: p.mail ?? p.email,
        displayName: p.displayName ?? p.email,
        givenName: p.givenName ?? null,
        surname: p.surname ?? null,
        jobTitle: p.jobTitle ?? null,
        department: p.department ?? null,
        accountEnabled: p.accountEnabled ?? true,
      })),
    ),
  );
  for (const p of people.filter((p) => p.isAdmin)) {
    const person = await findPersonByAddress(db, p.email, org.id);
    await db.write((tx) => tx.update(directoryPeople).set({ isAdmin: true }).where(eq(directoryPeople.id, person!.id)));
  }
  return org;
}
