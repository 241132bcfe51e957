// Start-up failures an operator can fix are one line on stderr that says what to do, and exit
// code 1: a configuration error, a database that cannot be opened, a port that cannot be taken.
// Anything else is a bug and keeps its stack.
import { ConfigError, loadConfig, type Config } from "./config.js";
import { describeDatabaseError } from "./db/open-errors.js";

export function exitWithOneLine(line: string): never {
  console.error(line);
  process.exit(1);
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWithOneLine(`Configuration error: ${error.message}`);
    throw error;
  }
}

/** Runs `open` (open and migrate); a database error becomes one line and exit 1. */
export async function openOrExit<T>(databaseUrl: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const line = describeDatabaseError(databaseUrl, error);
    if (line) exitWithOneLine(`Database error: ${line}`);
    throw error;
  }
}

/** One line for an error the HTTP server met while starting to listen; null for anything else. */
export function describeListenError(error: unknown, config: Pick<Config, "port" | "host">): string | null {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case "EADDRINUSE":
      return `port ${config.port} is in use: set PORT to a free port, or stop what listens there`;
    case "EACCES":
      return `port ${config.port} needs administrator rights here: set PORT to 1024 or above (and put a proxy in front for 80/443)`;
    case "EADDRNOTAVAIL":
      return `HOST=${config.host} is not an address of this machine: set HOST to one of its addresses (0.0.0.0 for all)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `HOST=${config.host} cannot be resolved: set HOST to an address of this machine`;
    default:
      return null;
  }
}
