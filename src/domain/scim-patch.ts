// PATCH /Users/:id (RFC 7644 §3.5.2) the way Entra sends it, applied by scim-patch after we
// normalize the operations: `op` in any case ("Replace"), a path-less add/replace whose value
// is an object of attributes (keys may be paths such as "name.givenName" or the enterprise
// schema), schema-qualified paths, value-filter paths (`emails[type eq "work"].value`).
// Paths are capped in length before any pattern runs; attributes we do not keep are skipped;
// a path that would reach an object's prototype is refused.
import { ScimError, scimPatch, type ScimPatchOperation } from "scim-patch";
import {
  coreAttributes,
  ENTERPRISE_SCHEMA,
  enterpriseAttributes,
  isUnsafeKey,
  MAX_STRING,
  USER_SCHEMA,
  type ScimProblem,
  type ScimResource,
} from "./scim-user-resource.js";

export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const MAX_OPERATIONS = 100;
const MAX_PATH = 512;
const NAME_PARTS = new Map(["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"].map((n) => [n.toLowerCase(), n]));
const UNSAFE_WORD = /(^|[^\w$])(__proto__|constructor|prototype)([^\w$]|$)/;

type Op = { op: "add" | "replace" | "remove"; path?: string; value?: unknown };
type Patched = { ok: true; resource: unknown } | { ok: false; problem: ScimProblem };

const problem = (scimType: string, detail: string): { ok: false; problem: ScimProblem } => ({ ok: false, problem: { status: 400, scimType, detail } });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value with keys that would reach a prototype dropped (scim-patch assigns keys as given). */
function safeValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return undefined;
  if (Array.isArray(value)) return value.map((v) => safeValue(v, depth + 1));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !isUnsafeKey(k))
      .map(([k, v]) => [k, safeValue(v, depth + 1)]),
  );
}

/** The path with its attribute in RFC spelling; null for an attribute we do not keep. */
function canonicalPath(raw: string): string | null {
  let path = raw.trim();
  const lower = path.toLowerCase();
  if (lower.startsWith(`${ENTERPRISE_SCHEMA.toLowerCase()}:`)) {
    const rest = path.slice(ENTERPRISE_SCHEMA.length + 1);
    const attribute = /^[A-Za-z][\w$-]*/.exec(rest)?.[0] ?? "";
    const known = enterpriseAttributes.get(attribute.toLowerCase());
    return known ? `${ENTERPRISE_SCHEMA}:${known}${rest.slice(attribute.length)}` : null;
  }
  if (lower.startsWith(`${USER_SCHEMA.toLowerCase()}:`)) path = path.slice(USER_SCHEMA.length + 1);
  const attribute = /^[A-Za-z][\w$-]*/.exec(path)?.[0] ?? "";
  const known = coreAttributes.get(attribute.toLowerCase());
  if (!known) return null;
  let rest = path.slice(attribute.length);
  if (known === "name" && rest.startsWith(".")) rest = `.${NAME_PARTS.get(rest.slice(1).toLowerCase()) ?? rest.slice(1)}`;
  return known + rest;
}

/** Entra's operations as scim-patch expects them; a problem for what cannot be an operation. */
function normalizeOperations(body: unknown): Op[] | { ok: false; problem: ScimProblem } {
  if (!isObject(body)) return problem("invalidSyntax", "The body must be a JSON object with schemas and Operations.");
  const list = body.Operations ?? body.operations;
  if (!Array.isArray(list) || list.length === 0) return problem("invalidSyntax", `Operations must be a non-empty list (schemas: ["${PATCH_SCHEMA}"]).`);
  if (list.length > MAX_OPERATIONS) return problem("tooMany", `At most ${MAX_OPERATIONS} operations per request.`);
  const out: Op[] = [];
  type Refusal = { ok: false; problem: ScimProblem } | undefined;
  const push = (op: Op["op"], path: string, value: unknown): Refusal => {
    if (path.length > MAX_PATH) return problem("invalidPath", `A path is longer than ${MAX_PATH} characters.`);
    if (UNSAFE_WORD.test(path)) return problem("invalidPath", `The path "${path.slice(0, 100)}" is not an attribute of a User.`);
    // The enterprise extension named whole: one operation per attribute in it.
    if (path.trim().toLowerCase() === ENTERPRISE_SCHEMA.toLowerCase() && op !== "remove") {
      if (!isObject(value)) return problem("invalidValue", `The value for ${ENTERPRISE_SCHEMA} must be an object.`);
      for (const [key, v] of Object.entries(value)) {
        const failed: Refusal = push(op, `${ENTERPRISE_SCHEMA}:${key}`, v);
        if (failed) return failed;
      }
      return undefined;
    }
    const canonical = canonicalPath(path);
    if (canonical)
      out.push(
        op === "remove"
          ? { op, path: canonical, ...(value === undefined ? {} : { value: safeValue(value) }) }
          : { op, path: canonical, value: safeValue(value) },
      );
    return undefined;
  };
  for (const item of list) {
    if (!isObject(item)) return problem("invalidSyntax", "Each operation must be an object with op, path and value.");
    const op = typeof item.op === "string" ? item.op.trim().toLowerCase() : "";
    if (op !== "add" && op !== "replace" && op !== "remove")
      return problem("invalidSyntax", `op must be add, replace or remove (in any case), not ${JSON.stringify(item.op)?.slice(0, 40)}.`);
    if (item.path !== undefined && typeof item.path !== "string") return problem("invalidPath", "path must be a string.");
    if (op !== "remove" && !("value" in item)) return problem("invalidValue", `An ${op} operation needs a value.`);
    const path = typeof item.path === "string" && item.path.trim() !== "" ? item.path : undefined;
    if (path === undefined) {
      if (op === "remove") return problem("noTarget", "A remove operation needs a path.");
      if (!isObject(item.value)) return problem("invalidValue", `An ${op} without a path needs an object of attributes as its value.`);
      for (const [key, value] of Object.entries(item.value)) {
        const failed = key.length > 0 ? push(op, key, value) : undefined;
        if (failed) return failed;
      }
      continue;
    }
    const failed = push(op, path, item.value);
    if (failed) return failed;
  }
  return out;
}

/** The resource with the operations applied (not yet validated: the caller reads it as a User). */
export function applyUserPatch(resource: ScimResource, body: unknown): Patched {
  const operations = normalizeOperations(body);
  if (!Array.isArray(operations)) return operations;
  try {
    const patched = scimPatch(structuredClone(resource) as never, operations as ScimPatchOperation[], { mutateDocument: true, treatMissingAsAdd: true });
    return { ok: true, resource: patched };
  } catch (error) {
    const scimType = error instanceof ScimError ? ((error as ScimError & { scimCode?: string }).scimCode ?? "invalidValue") : "invalidValue";
    const message = error instanceof Error ? error.message : String(error);
    return problem(scimType, `The operations cannot be applied: ${message.slice(0, MAX_STRING / 8)}`);
  }
}
