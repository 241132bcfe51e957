// Running the real commands as an operator would (npm scripts, the server's entry point) and
// collecting what they print and how they end. Each run has a deadline: a command that should
// have refused but hangs fails its test instead of the whole run.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { ROOT } from "./child-server.js";

export type CommandResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** The environment a command gets: this process's, quiet logs, no demo, then `env`. */
export function commandEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", SEED_DEMO: "false" };
  // Settings a developer's shell may carry would change what the command sees.
  for (const name of ["DATABASE_URL", "DATABASE_AUTH_TOKEN", "ENTRA_CLIENT_ID", "RESEND_API_KEY", "MAIL_TRANSPORT", "PORT", "HOST", "PUBLIC_URL"])
    delete base[name];
  return { ...base, ...env };
}

/** Another user's ids for a command (permissions are not checked for root, so "unwritable" needs someone else). */
export type RunAs = { uid: number; gid: number };

export function runCommand(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
  runAs?: RunAs,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: commandEnv(env), stdio: ["ignore", "pipe", "pipe"], ...runAs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} still running after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `npm run --silent <script> -- <args>`. */
export const runScript = (script: string, args: string[], env: Record<string, string | undefined> = {}) =>
  runCommand("npm", ["run", "--silent", script, "--", ...args], env);

/** The server as `npm start` runs it (`node src/cli/start.mjs`), until it exits by itself. */
export const runServer = (env: Record<string, string | undefined>, timeoutMs?: number, runAs?: RunAs) =>
  runCommand(process.execPath, ["src/cli/start.mjs"], env, timeoutMs, runAs);

/** `nobody`, when this process is root and nobody can read the checkout; null otherwise. */
export function nobodyIfRoot(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const nobody = { uid: 65534, gid: 65534 };
  const probe = spawnSync(process.execPath, ["-e", "require('fs').readFileSync('src/cli/start.mjs')"], { cwd: ROOT, ...nobody });
  return probe.status === 0 ? nobody : null;
}

/** The non-empty lines of a command's output. */
export const linesOf = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

export type RunningCommand = {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Starts a long-running command (a server) and keeps what it prints. */
export function startCommand(command: string, args: string[], env: Record<string, string | undefined>): RunningCommand {
  const child = spawn(command, args, { cwd: ROOT, env: commandEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}
