// Microsoft Graph's groups for the directory sync: /groups/delta with members (membership
// changes arrive as members@delta, the same group possibly on several pages of a round), and a
// group's transitive user members (/groups/{id}/transitiveMembers: nested groups' people too).
// Needs the GroupMember.Read.All application permission (or Group.Read.All).
import type { DeltaRoundHandlers, GraphClient } from "./graph.js";

export type GraphMemberRef = { "@odata.type"?: string; id: string; "@removed"?: { reason?: string } };

export type GraphGroup = {
  id: string;
  displayName?: string | null;
  groupTypes?: string[] | null;
  securityEnabled?: boolean | null;
  mailEnabled?: boolean | null;
  "members@delta"?: GraphMemberRef[];
  "@removed"?: { reason?: string };
};

export const GROUP_FIELDS = ["displayName", "groupTypes", "securityEnabled", "mailEnabled", "members"];

export function readGroupsDelta(graph: GraphClient, deltaLink: string | null, handlers: DeltaRoundHandlers<GraphGroup>) {
  return graph.readDeltaRound(`${graph.baseUrl}/groups/delta?$select=${GROUP_FIELDS.join(",")}`, deltaLink, handlers);
}

/** The object ids (lower-case) of every user in the group, directly or through nested groups. */
export async function readTransitiveUserIds(
  graph: GraphClient,
  groupOid: string,
  handlers: Pick<DeltaRoundHandlers<unknown>, "signal" | "onRetry">,
): Promise<string[]> {
  const url = `${graph.baseUrl}/groups/${encodeURIComponent(groupOid)}/transitiveMembers?$select=id&$top=999`;
  const members = await graph.readAllPages<GraphMemberRef>(url, handlers);
  return members.filter((m) => m["@odata.type"] === "#microsoft.graph.user" && typeof m.id === "string").map((m) => m.id.toLowerCase());
}
