// JSON-lines logs (pino). Tokens, cookies and secrets never reach them: we log paths with
// invitation tokens masked and never log headers or bodies.
import { pino, type Logger } from "pino";

/** `pid`: every line names its process (several server processes share one stdout). */
export function createLogger(level: string, options: { pid?: boolean } = {}): Logger {
  return pino({
    level,
    base: options.pid ? { pid: process.pid } : undefined,
    redact: { paths: ["token", "cookie", "authorization", "*.token", "*.cookie", "*.authorization", "apiKey", "*.apiKey", "secret"], censor: "[redacted]" },
  });
}

/** `/join/<token>` -> `/join/:token`: invitation tokens must never appear in logs. */
export function maskPath(path: string): string {
  return path.replace(/^\/join\/[^/?#]+/, "/join/:token");
}
