// What every request handler can reach: the dependencies built once at start-up, and
// the per-request session (null when signed out) and request id.
import type { Logger } from "pino";
import type { SessionIdentity } from "./auth/session.js";
import type { Config } from "./config.js";
import type { Db } from "./db/client.js";

export type Deps = {
  db: Db;
  config: Config;
  logger: Logger;
  /** Wakes background workers (mail, imports) so new work starts without waiting for a poll. */
  wake?: (job: "mail" | "imports" | "directory" | "reminders") => void;
  /** This process's background workers, once they started: why they cannot work, or null. */
  workers?: { problem(): string | null };
  /** Set when SIGTERM arrived: the process finishes what it has and exits (/readyz answers 503). */
  stopping?: boolean;
};

export type AppEnv = {
  Variables: {
    deps: Deps;
    session: SessionIdentity | null;
    requestId: string;
  };
};
