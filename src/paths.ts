// The project's folder, found from this module's own place: src/ when run as TypeScript (tests,
// the command-line tools), the bundle under node_modules/.cache/ with `npm start`. It is the
// first folder upward that holds package.json; files we ship (migrations, static files, the
// demo directory) are named from there, so they are found from either place.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. projectPath("drizzle"). */
export const projectPath = (...parts: string[]) => join(ROOT, ...parts);
