// The admin center's own names. Requests addressed to any other host are refused with 421 (a
// page on another name that resolves to this server, DNS rebinding, never reaches a route), and
// the CSRF check accepts these origins alone, never one the request claims for itself.
// PUBLIC_URL's host; in local mode also the loopback names on its port, so a newcomer may type
// localhost or 127.0.0.1 either way.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Config } from "../config.js";
import type { AppEnv } from "../context.js";

export type OwnNames = { hosts: ReadonlySet<string>; origins: ReadonlySet<string> };

export function ownNames(config: Pick<Config, "publicUrl" | "localMode">): OwnNames {
  const url = new URL(config.publicUrl);
  const defaultPort = url.protocol === "https:" ? "443" : "80";
  const hosts = new Set<string>();
  const origins = new Set<string>();
  for (const name of [url.hostname, ...(config.localMode ? ["localhost", "127.0.0.1", "[::1]"] : [])]) {
    const host = url.port ? `${name}:${url.port}` : name;
    hosts.add(host);
    if (!url.port) hosts.add(`${name}:${defaultPort}`); // a Host header may name the default port
    origins.add(`${url.protocol}//${host}`);
  }
  return { hosts, origins };
}

/** Health checks answer any Host: load balancers and process managers probe by address. */
const ANY_HOST: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

/** How a refusal is said: plain text, unless the caller speaks a protocol (SCIM answers in SCIM's error form). */
export type MisdirectedAnswer = (c: Context<AppEnv>, message: string) => Response | Promise<Response>;

/** 421 for a request addressed to another host (its Host header, or the host of an absolute request target); health checks answer any. */
export function requireOwnHost(config: Pick<Config, "publicUrl" | "localMode">, answer: MisdirectedAnswer = (c, message) => c.text(message, 421)) {
  const { hosts } = ownNames(config);
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("Host");
    if ((header === undefined || hosts.has(header.toLowerCase())) && hosts.has(new URL(c.req.url).host)) return next();
    if (ANY_HOST.has(c.req.path)) return next();
    return answer(c, `Misdirected request: this admin center answers only at ${config.publicUrl}.`);
  });
}
