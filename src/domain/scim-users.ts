// Reading provisioned SCIM users: one by id, or a page of those matching a filter's conditions,
// always within the token's organization (another organization's id is not found).
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Db, Queryable } from "../db/client.js";
import { scimUsers } from "../db/schema.js";
import { pickColumns } from "../db/columns.js";
import type { UserCondition } from "./scim-filter.js";
import type { ScimResource } from "./scim-user-resource.js";

export type ScimUserRow = { id: string; personId: string; active: boolean; userName: string; resource: ScimResource; createdAt: Date; updatedAt: Date };
export type ScimUserPage = { total: number; rows: ScimUserRow[] };

export const MAX_PAGE = 200;

const columns = pickColumns(scimUsers, ["id", "personId", "active", "userName", "resource", "createdAt", "updatedAt"]);

export async function findScimUser(db: Queryable, orgId: string, id: string): Promise<ScimUserRow | undefined> {
  const [row] = await db
    .select(columns)
    .from(scimUsers)
    .where(and(eq(scimUsers.orgId, orgId), eq(scimUsers.id, id)));
  return row;
}

function conditionSql(condition: UserCondition): SQL {
  switch (condition.attribute) {
    case "userName":
      return eq(scimUsers.userNameNorm, condition.value);
    case "externalId":
      return eq(scimUsers.externalId, condition.value);
    case "email":
      return eq(scimUsers.emailNorm, condition.value);
    case "id":
      return eq(scimUsers.id, condition.value);
  }
}

/** `startIndex` is 1-based (RFC 7644 §3.4.2.4); `count` is capped at MAX_PAGE. */
export async function listScimUsers(db: Db, orgId: string, query: { conditions: UserCondition[]; startIndex: number; count: number }): Promise<ScimUserPage> {
  const where = and(eq(scimUsers.orgId, orgId), ...query.conditions.map(conditionSql));
  const [counted] = await db.select({ n: sql<number>`count(*)` }).from(scimUsers).where(where);
  const total = Number(counted?.n ?? 0);
  const count = Math.min(Math.max(query.count, 0), MAX_PAGE);
  if (count === 0 || query.startIndex > total) return { total, rows: [] };
  const rows = await db
    .select(columns)
    .from(scimUsers)
    .where(where)
    .orderBy(asc(scimUsers.id))
    .limit(count)
    .offset(query.startIndex - 1);
  return { total, rows };
}
