// SCIM tests over real HTTP: the admin center served on a free 127.0.0.1 port (workers off, so
// queued emails stay in the outbox to be counted), two organizations, each with a SCIM token
// generated the way the settings page does it.
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Deps } from "../../src/context.js";
import { issueScimToken } from "../../src/domain/scim-tokens.js";
import { createLogger } from "../../src/logger.js";
import { createOrganization, type TestPerson } from "./app.js";
import { createTestDatabase, type TestDatabase } from "./db.js";
import { actorFor } from "./security-fixtures.js";

export const SCIM_TYPE = "application/scim+json";

export type ScimServer = {
  url: string;
  deps: Deps;
  database: TestDatabase;
  orgs: { a: { id: string; token: string }; b: { id: string; token: string } };
  /** A request to /scim/v2{path} with org A's token unless another (or none: null) is given; objects are sent as JSON. */
  scim(path: string, init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
};

export async function startScimServer(options: { env?: Record<string, string>; peopleA?: TestPerson[] } = {}): Promise<ScimServer> {
  const database = await createTestDatabase();
  let app: ReturnType<typeof createApp> | undefined;
  let server: ServerType | undefined;
  const port: number = await new Promise((resolve) => {
    server = serve({ fetch: (request) => app!.fetch(request), port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve(info.port));
  });
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: url,
    ...database.env,
    LOG_LEVEL: "silent",
    SEED_DEMO: "false",
    WORKERS: "false",
    ...options.env,
  });
  const deps: Deps = { db: database.db, config, logger: createLogger("silent") };
  app = createApp(deps);
  const a = await createOrganization(deps.db, { name: "Contoso", domain: "contoso.example", ...(options.peopleA ? { people: options.peopleA } : {}) });
  const b = await createOrganization(deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
  const tokenA = await issueScimToken(deps.db, await actorFor(deps.db, "admin@contoso.example"));
  const tokenB = await issueScimToken(deps.db, await actorFor(deps.db, "admin@fabrikam.example"));
  return {
    url,
    deps,
    database,
    orgs: { a: { id: a.id, token: tokenA }, b: { id: b.id, token: tokenB } },
    scim: (path, init = {}) => {
      const token = init.token === undefined ? tokenA : init.token;
      const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      return fetch(`${url}/scim/v2${path}`, {
        method: init.method ?? (body === undefined ? "GET" : "POST"),
        body,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": SCIM_TYPE } : {}), ...init.headers },
      });
    },
    stop: async () => {
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      database.close();
    },
  };
}

/** The user Microsoft's SCIM tutorial creates ("Create User"), with our own names. */
export function tutorialUser(n: number | string, overrides: Record<string, unknown> = {}) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    externalId: `0a21f0f2-8d2a-4f8e-bf98-${String(n).padStart(12, "0")}`,
    userName: `Test_User_${n}`,
    active: true,
    emails: [{ primary: true, type: "work", value: `test.user.${n}@contoso.example` }],
    meta: { resourceType: "User" },
    name: { formatted: `Given${n} Family${n}`, familyName: `Family${n}`, givenName: `Given${n}` },
    roles: [],
    ...overrides,
  };
}
