// `npm start`: bundles our TypeScript (src/server.ts and what it imports, and the database
// thread's module; packages stay in node_modules) with esbuild, then runs the bundle in this
// process: the bundle loads without module hooks, where tsx's hooks would spend most of a cold
// start resolving node_modules through their worker thread.
//
// The bundle is named by the sources it was built from (each file's path, size and time), so a
// start with nothing changed skips esbuild altogether, and two servers starting at once
// never read a half-written file. Plain JavaScript: it runs before anything compiles TypeScript.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const outdir = join(root, "node_modules/.cache/admin-center");

/** Every file the bundle is made from, with its size and time: the bundle's name. */
function sourcesKey() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts|mjs|js|json)$/.test(entry.name)) {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${relative(root, path)}:${size}:${mtimeMs}\n`);
      }
    }
  };
  walk(join(root, "src"));
  walk(join(root, "views"));
  for (const file of ["package-lock.json", "tsconfig.json"]) {
    const { size, mtimeMs } = statSync(join(root, file));
    hash.update(`${file}:${size}:${mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

const key = sourcesKey();
const name = `server-${key}.mjs`;
// The database thread (src/jobs/database-thread-worker.ts) is a bundle of its own, beside the
// server's; the server finds it by the name esbuild's `define` gives it.
const threadName = `database-thread-${key}.mjs`;
const file = join(outdir, name);
if (!existsSync(file)) {
  const { build } = await import("esbuild");
  const result = await build({
    absWorkingDir: root,
    entryPoints: { server: "src/server.ts", "database-thread": "src/jobs/database-thread-worker.ts" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    sourcemap: "inline",
    outdir,
    outExtension: { ".js": ".mjs" },
    define: { DATABASE_THREAD_BUNDLE: JSON.stringify(threadName) },
    write: false,
    logLevel: "warning",
  });
  const output = (entry) => result.outputFiles.find((f) => f.path === join(outdir, `${entry}.mjs`)).contents;
  try {
    mkdirSync(outdir, { recursive: true });
    // The thread first: the server's file is the sign that both are there.
    for (const [target, contents] of [
      [threadName, output("database-thread")],
      [name, output("server")],
    ]) {
      const partial = join(outdir, `${target}.${process.pid}.tmp`);
      writeFileSync(partial, contents);
      renameSync(partial, join(outdir, target));
    }
  } catch (error) {
    // A start-up failure the operator fixes: one line, exit 1 (as in src/start-up.ts).
    console.error(
      `Cannot start: the server bundle cannot be written to ${outdir} (${error.code ?? error.message}): let this user write there, or run \`npm start\` once as the user who installed it after each install or upgrade`,
    );
    process.exit(1);
  }
  // Earlier builds: best effort (a server still running one has it loaded already).
  for (const old of readdirSync(outdir)) {
    if (old !== name && old !== threadName && /^(server|database-thread)-[0-9a-f]{16}\.mjs$/.test(old)) rmSync(join(outdir, old), { force: true });
  }
}
process.setSourceMapsEnabled(true); // stack traces name our .ts files and lines
await import(pathToFileURL(file).href);
