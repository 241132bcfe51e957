// The session cookie: HttpOnly, SameSite=Lax; Secure with the __Host- prefix when PUBLIC_URL is https
// (Hono adds the prefix itself when `prefix: "host"` is given).
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.js";

const NAME = "session";
const secureFor = (config: Config) => config.publicUrl.startsWith("https:");

export function readSessionCookie(c: Context, config: Config): string | undefined {
  return secureFor(config) ? getCookie(c, NAME, "host") : getCookie(c, NAME);
}

export function writeSessionCookie(c: Context, config: Config, token: string, expiresAt: Date): void {
  const secure = secureFor(config);
  setCookie(c, NAME, token, { httpOnly: true, sameSite: "Lax", path: "/", secure, expires: expiresAt, ...(secure ? { prefix: "host" as const } : {}) });
}

export function clearSessionCookie(c: Context, config: Config): void {
  const secure = secureFor(config);
  deleteCookie(c, NAME, { path: "/", secure, ...(secure ? { prefix: "host" as const } : {}) });
}
