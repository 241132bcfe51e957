// Every environment variable the admin center reads, with its default and its validation.
// An invalid value stops start-up with one line naming the variable and what is expected.

export class ConfigError extends Error {}

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  logLevel: string;
  /** Local mode: no Entra client configured; demo organization, local sign-in, local mail. */
  localMode: boolean;
  seedDemo: boolean;
  entra: {
    clientId: string;
    clientSecret: string;
    tenantId: string;
    authority: string;
    adminRole: string;
  } | null;
  graphBaseUrl: string;
  graphTokenUrl: string | undefined;
  directorySyncMinutes: number;
  /** Where email goes: Resend, or kept in mail_outbox for admins to read at /outbox (nothing is sent). */
  mailTransport: "resend" | "outbox";
  /** Set exactly when mailTransport is "resend". */
  resend: { apiKey: string; baseUrl: string | undefined } | null;
  mailFrom: string;
  mailRequestsPerSecond: number;
  mailMaxAttempts: number;
  resendWebhookSecret: string | undefined;
  importMaxBytes: number;
  importMaxRows: number;
  /** How long an import worker's lease lasts without renewal: how soon another process resumes a killed one's job. */
  importLeaseSeconds: number;
  /** How long a claimed mail batch is the worker's: how soon another process sends a killed one's batch (same key). */
  mailLeaseSeconds: number;
  resendsPerDay: number;
  /** Type-ahead requests per second per client (bursts of 4 seconds' worth). */
  directorySearchPerSecond: number;
  /** SCIM provisioning requests per second per token (bursts of 2 seconds' worth); more get 429 with Retry-After. */
  scimRequestsPerSecond: number;
  workers: boolean;
  /** Server processes on the one port (node:cluster); 1 runs the server in this process alone. */
  webConcurrency: number;
  /** Proxies in front of the app: 0 ignores X-Forwarded-For; N takes the client as its N-th address from the right. */
  trustProxy: number;
  /** Absolute session lifetime: after it the person signs in again (and the role is read afresh). */
  sessionMaxHours: number;
  /** An embedded file's fast paths (native read connection, database thread); off, it is used as a libSQL server is. */
  embeddedFastPaths: boolean;
};

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = read(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(`${name}="${v}" is invalid: expected a whole number from ${min} to ${max}`);
  }
  return Number(v);
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = read(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name}="${v}" is invalid: expected a number from ${min} to ${max}`);
  }
  return n;
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string | undefined {
  const v = read(env, name) ?? fallback;
  if (v === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(`${name}="${v}" is invalid: expected a URL starting with ${protocols.join(" or ")}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name}="${v}" is invalid: expected a URL starting with ${protocols.join(" or ")}`);
  }
  return v.replace(/\/+$/, "");
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[]): T | undefined {
  const v = read(env, name);
  if (v === undefined) return undefined;
  const choice = choices.find((c) => c === v.toLowerCase());
  if (!choice) throw new ConfigError(`${name}="${v}" is invalid: expected one of ${choices.join(", ")}`);
  return choice;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Outside local mode mail must leave, unless MAIL_TRANSPORT=outbox says on purpose that it stays. */
function mailTransportOf(env: Env, localMode: boolean): Config["mailTransport"] {
  const chosen = oneOf(env, "MAIL_TRANSPORT", ["resend", "outbox"] as const);
  const hasKey = read(env, "RESEND_API_KEY") !== undefined;
  if (chosen === "resend" && !hasKey) throw new ConfigError("MAIL_TRANSPORT=resend needs RESEND_API_KEY: set it to the API key from Resend");
  if (!chosen && !hasKey && !localMode) {
    throw new ConfigError(
      "RESEND_API_KEY is missing: outside local mode invitations must be sent. Set RESEND_API_KEY, or MAIL_TRANSPORT=outbox to keep every email in the outbox on purpose (admins read them at /outbox)",
    );
  }
  return chosen ?? (hasKey ? "resend" : "outbox");
}

/** Resend's signing secret is `whsec_` and base64; anything else can never verify a webhook. */
function webhookSecret(env: Env): string | undefined {
  const v = read(env, "RESEND_WEBHOOK_SECRET");
  if (v !== undefined && !/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/.test(v)) {
    throw new ConfigError("RESEND_WEBHOOK_SECRET is invalid: expected the whsec_… signing secret from the webhook's page in Resend");
  }
  return v;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const v = read(env, name);
  if (v === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name}="${v}" is invalid: expected true or false`);
}

/**
 * EMBEDDED_FAST_PATHS, read here only: false runs an embedded file the way a libSQL server is used
 * (reads through the client, no database thread), so the test lane covers that path.
 */
export function embeddedFastPaths(env: Env = process.env): boolean {
  return flag(env, "EMBEDDED_FAST_PATHS", true);
}

export function loadConfig(env: Env = process.env): Config {
  const entraClientId = read(env, "ENTRA_CLIENT_ID");
  const localMode = entraClientId === undefined;
  const port = integer(env, "PORT", 3000, 0, 65535);
  const host = read(env, "HOST") ?? "127.0.0.1";
  if (localMode && !["127.0.0.1", "localhost", "::1"].includes(host)) {
    throw new ConfigError(`HOST="${host}" is not allowed in local mode: local sign-in listens on 127.0.0.1 only (set ENTRA_CLIENT_ID to leave local mode)`);
  }
  const publicUrl = url(env, "PUBLIC_URL", `http://localhost:${port}`, ["http:", "https:"])!;
  const databaseUrl = read(env, "DATABASE_URL") ?? "file:data/app.db";
  if (!/^(file:|libsql:|https?:|wss?:|:memory:$)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL="${databaseUrl}" is invalid: expected file:<path>, libsql://<host>, http(s)://<host> or :memory:`);
  }
  const webConcurrency = integer(env, "WEB_CONCURRENCY", 1, 1, 64);
  if (webConcurrency > 1 && databaseUrl === ":memory:") {
    throw new ConfigError(
      `WEB_CONCURRENCY=${webConcurrency} needs one database that every process opens: DATABASE_URL=:memory: is a database per process. Set DATABASE_URL=file:<path>, or WEB_CONCURRENCY=1`,
    );
  }
  let entra: Config["entra"] = null;
  if (!localMode) {
    const clientSecret = read(env, "ENTRA_CLIENT_SECRET");
    if (!clientSecret) throw new ConfigError("ENTRA_CLIENT_SECRET is missing: it is required when ENTRA_CLIENT_ID is set");
    const tenantId = read(env, "ENTRA_TENANT_ID") ?? "organizations";
    if (!/^([0-9a-f-]{36}|organizations|common|[a-z0-9.-]+\.[a-z]{2,})$/i.test(tenantId)) {
      throw new ConfigError(`ENTRA_TENANT_ID="${tenantId}" is invalid: expected a tenant id (GUID), a tenant domain or "organizations"`);
    }
    entra = {
      clientId: entraClientId!,
      clientSecret,
      tenantId,
      authority: url(env, "ENTRA_AUTHORITY", "https://login.microsoftonline.com", ["http:", "https:"])!,
      adminRole: read(env, "ENTRA_ADMIN_ROLE") ?? "BusinessAdministrator",
    };
  }
  const resendKey = read(env, "RESEND_API_KEY");
  const mailTransport = mailTransportOf(env, localMode);
  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    databaseAuthToken: read(env, "DATABASE_AUTH_TOKEN"),
    logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS) ?? "info",
    localMode,
    seedDemo: flag(env, "SEED_DEMO", localMode),
    entra,
    graphBaseUrl: url(env, "GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0", ["http:", "https:"])!,
    graphTokenUrl: url(env, "GRAPH_TOKEN_URL", undefined, ["http:", "https:"]),
    directorySyncMinutes: integer(env, "DIRECTORY_SYNC_MINUTES", 30, 0, 24 * 60),
    mailTransport,
    resend: mailTransport === "resend" && resendKey ? { apiKey: resendKey, baseUrl: url(env, "RESEND_BASE_URL", undefined, ["http:", "https:"]) } : null,
    mailFrom: read(env, "MAIL_FROM") ?? "MileIQ Admin Center <invitations@mileiq.example>",
    mailRequestsPerSecond: number(env, "MAIL_REQUESTS_PER_SECOND", 2, 0.1, 100),
    mailMaxAttempts: integer(env, "MAIL_MAX_ATTEMPTS", 8, 1, 50),
    resendWebhookSecret: webhookSecret(env),
    importMaxBytes: integer(env, "IMPORT_MAX_BYTES", 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    importMaxRows: integer(env, "IMPORT_MAX_ROWS", 1_000_000, 1, 10_000_000),
    importLeaseSeconds: integer(env, "IMPORT_LEASE_SECONDS", 15, 2, 600),
    mailLeaseSeconds: integer(env, "MAIL_LEASE_SECONDS", 60, 2, 3600),
    resendsPerDay: integer(env, "RESENDS_PER_DAY", 3, 1, 100),
    directorySearchPerSecond: integer(env, "DIRECTORY_SEARCH_PER_SECOND", 10, 1, 1_000_000),
    scimRequestsPerSecond: integer(env, "SCIM_REQUESTS_PER_SECOND", 50, 1, 1_000_000),
    workers: flag(env, "WORKERS", true),
    webConcurrency,
    trustProxy: integer(env, "TRUST_PROXY", 0, 0, 10),
    sessionMaxHours: integer(env, "SESSION_MAX_HOURS", 12, 1, 24 * 366),
    embeddedFastPaths: embeddedFastPaths(env),
  };
}

/** Settings that start but will surprise someone later: each a line for the start-up log. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.entra && ["localhost", "127.0.0.1", "[::1]"].includes(new URL(config.publicUrl).hostname)) {
    warnings.push(
      `PUBLIC_URL is ${config.publicUrl}: Microsoft will send people back to localhost after sign-in, and invitation links point there too. Set PUBLIC_URL to the address people use`,
    );
  }
  if (!config.localMode && config.mailTransport === "outbox") {
    warnings.push("MAIL_TRANSPORT=outbox: no email is sent; invitations stay in the outbox, which admins read at /outbox. Set RESEND_API_KEY to send them");
  }
  return warnings;
}
