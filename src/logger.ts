// JSON-lines logs (pino). Tokens, cookies and secrets never reach them: we log paths with
// invitation tokens masked and never log headers or bodies.
import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ["token", "cookie", "authorization", "*.token", "*.cookie", "*.authorization", "apiKey", "*.apiKey", "secret"], censor: "[redacted]" },
  });
}

/** `/join/<token>` -> `/join/:token`: invitation tokens must never appear in logs. */
export function maskPath(path: string): string {
  return path.replace(/^\/join\/[^/?#]+/, "/join/:token");
}
