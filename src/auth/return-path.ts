// Where sign-in goes back to: the return path (`next`) the guards send to /login, carried by the
// local sign-in form and the Entra state cookie.

/**
 * A carried return path (`next`, the Entra state cookie), resolved against PUBLIC_URL the way a
 * browser would resolve it: only a path and query on the admin center's own origin are kept,
 * anything else is /users. The URL parser drops tabs and line breaks, turns \ into / and
 * percent-encodes the rest, so `/\t/evil.example` is refused and no header can be split; a path
 * that resolves to `//…` (from `/.//evil.example`) would leave the site as a Location, so it goes too.
 */
export function safeNext(value: unknown, publicUrl: string): string {
  if (typeof value !== "string" || value.length >= 2000) return "/users";
  const base = new URL(publicUrl);
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return "/users";
  }
  const path = url.pathname + url.search;
  return url.origin === base.origin && !path.startsWith("//") ? path : "/users";
}
