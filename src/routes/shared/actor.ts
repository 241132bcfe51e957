// Who is acting in a request the admin guard let through: the signed-in person, in their
// organization, named as the activity log and the emails name them.
import type { Context } from "hono";
import type { AppEnv } from "../../context.js";
import type { Actor } from "../../domain/actor.js";

export function actorOf(c: Context<AppEnv>): Actor {
  const session = c.get("session")!;
  return { personId: session.person.id, orgId: session.org.id, name: session.person.displayName || session.person.email };
}
