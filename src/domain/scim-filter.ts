// GET /Users?filter=… (RFC 7644 §3.4.2.2), as Entra uses it: `userName eq "…"` to find a user
// before creating it, `externalId eq "…"` (or a work email) when the admin matches on those.
// The filter is parsed by scim2-parse-filter after a length cap; we answer equality on userName,
// externalId, id and emails.value, joined by `and`; any other filter is a 400 invalidFilter.
import { parse, type Filter } from "scim2-parse-filter";
import { normalizeAddress } from "./addresses.js";
import { USER_SCHEMA, type ScimProblem } from "./scim-user-resource.js";

export const MAX_FILTER = 1000;

/** Each condition must hold. userName and emails compare without case (caseExact false), ids with it. */
export type UserCondition = { attribute: "userName" | "externalId" | "id" | "email"; value: string };

const SUPPORTED = 'Supported filters: userName eq "…", externalId eq "…", id eq "…" and emails[type eq "work"].value eq "…", joined by "and".';
const refuse = (detail: string): { ok: false; problem: ScimProblem } => ({ ok: false, problem: { status: 400, scimType: "invalidFilter", detail } });

function attributeOf(path: string): UserCondition["attribute"] | null {
  const lower = path.toLowerCase();
  const bare = lower.startsWith(`${USER_SCHEMA.toLowerCase()}:`) ? lower.slice(USER_SCHEMA.length + 1) : lower;
  switch (bare) {
    case "username":
      return "userName";
    case "externalid":
      return "externalId";
    case "id":
      return "id";
    case "emails":
    case "emails.value":
      return "email";
    default:
      return null;
  }
}

function collect(filter: Filter, into: UserCondition[]): string | null {
  if (filter.op === "and") {
    for (const part of filter.filters) {
      const failed = collect(part, into);
      if (failed) return failed;
    }
    return null;
  }
  // `emails[type eq "work"].value eq "x"` parses as emails[type eq "work"] and emails.value eq "x":
  // the bracket only narrows which address, and we keep one address per user.
  if (filter.op === "[]") return attributeOf(filter.attrPath) === "email" ? null : SUPPORTED;
  if (filter.op !== "eq") return SUPPORTED;
  const attribute = attributeOf(filter.attrPath);
  if (!attribute || typeof filter.compValue !== "string") return SUPPORTED;
  into.push({ attribute, value: attribute === "userName" || attribute === "email" ? normalizeAddress(filter.compValue) : filter.compValue });
  return null;
}

/** The conditions of a filter (none for an empty filter), or a SCIM 400 that says what is supported. */
export function parseUserFilter(text: string | undefined): { ok: true; conditions: UserCondition[] } | { ok: false; problem: ScimProblem } {
  if (text === undefined || text.trim() === "") return { ok: true, conditions: [] };
  if (text.length > MAX_FILTER) return refuse(`The filter is longer than ${MAX_FILTER} characters.`);
  let filter: Filter;
  try {
    filter = parse(text);
  } catch {
    return refuse(`The filter ${JSON.stringify(text.slice(0, 100))} is not valid SCIM filter syntax. ${SUPPORTED}`);
  }
  const conditions: UserCondition[] = [];
  const failed = collect(filter, conditions);
  if (failed) return refuse(`The filter ${JSON.stringify(text.slice(0, 100))} is not supported. ${failed}`);
  if (conditions.length === 0) return refuse(SUPPORTED);
  return { ok: true, conditions };
}
