// The directory cache: organizations and their people, from an Entra "Download users" CSV
// (the directory:import command and the demo seed) or from Graph (directory-sync.ts).
import Papa from "papaparse";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople, organizations } from "../db/schema.js";
import { newId } from "../ids.js";
import { yieldToEventLoop } from "../event-loop.js";

export type DirectoryPersonInput = {
  entraObjectId: string | null;
  userPrincipalName: string | null;
  mail: string | null;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
};

export type DirectoryCsvResult = { people: DirectoryPersonInput[]; rejected: { line: number; reason: string }[] };

const norm = (value: string | null | undefined) => (value ? value.trim().normalize("NFC").toLowerCase() : null);
const headerKey = (header: string) => header.replace(/^\uFEFF/, "").toLowerCase().replace(/[^a-z0-9]/g, "");
const columns: Record<string, keyof DirectoryPersonInput> = {
  id: "entraObjectId", objectid: "entraObjectId", userprincipalname: "userPrincipalName", displayname: "displayName",
  givenname: "givenName", surname: "surname", mail: "mail", jobtitle: "jobTitle", department: "department",
  accountenabled: "accountEnabled",
};

/** Reads an Entra "Download users" export: columns by name (case/space-insensitive), others ignored. */
export function parseDirectoryCsv(text: string): DirectoryCsvResult {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const [header, ...data] = parsed.data;
  if (!header) return { people: [], rejected: [{ line: 1, reason: "the file is empty" }] };
  const index = new Map<keyof DirectoryPersonInput, number>();
  header.forEach((h, i) => {
    const field = columns[headerKey(h)];
    if (field && !index.has(field)) index.set(field, i);
  });
  if (!index.has("userPrincipalName") && !index.has("mail")) {
    return { people: [], rejected: [{ line: 1, reason: "no userPrincipalName or mail column in the header" }] };
  }
  const people: DirectoryPersonInput[] = [];
  const rejected: DirectoryCsvResult["rejected"] = [];
  data.forEach((cells, i) => {
    const line = i + 2;
    const get = (f: keyof DirectoryPersonInput) => {
      const at = index.get(f);
      const v = at === undefined ? undefined : cells[at]?.trim();
      return v ? v : null;
    };
    const upn = get("userPrincipalName");
    const mail = get("mail");
    const enabledText = get("accountEnabled")?.toLowerCase();
    if (!upn && !mail) return rejected.push({ line, reason: "neither userPrincipalName nor mail is filled in" });
    for (const [label, value] of [["userPrincipalName", upn], ["mail", mail]] as const) {
      if (value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return rejected.push({ line, reason: `${label} "${value}" is not an address` });
    }
    if (enabledText && !["true", "false", "yes", "no"].includes(enabledText)) {
      return rejected.push({ line, reason: `accountEnabled "${enabledText}" must be true or false` });
    }
    people.push({
      entraObjectId: get("entraObjectId"), userPrincipalName: upn, mail,
      displayName: get("displayName") ?? [get("givenName"), get("surname")].filter(Boolean).join(" "),
      givenName: get("givenName"), surname: get("surname"), jobTitle: get("jobTitle"), department: get("department"),
      accountEnabled: enabledText === undefined || enabledText === "true" || enabledText === "yes",
    });
  });
  return { people, rejected };
}

export async function findOrCreateOrganization(db: Db, input: { name: string; domains: string[]; tenantId?: string }) {
  const [existing] = await db.select().from(organizations).where(eq(organizations.name, input.name));
  if (existing) return existing;
  const [created] = await db.insert(organizations)
    .values({ id: newId(), name: input.name, domains: input.domains, tenantId: input.tenantId ?? null })
    .onConflictDoNothing().returning();
  return created ?? (await db.select().from(organizations).where(eq(organizations.name, input.name)))[0]!;
}

const CHUNK = 400;
const updatable = ["entraObjectId", "mail", "userPrincipalName", "displayName", "givenName", "surname", "jobTitle", "department",
  "accountEnabled", "removedAt", "mailNorm", "upnNorm", "displayNorm", "givenNorm", "surnameNorm", "updatedAt"] as const;
/** `SET col = excluded.col` for every column a directory update may change. */
const excludedColumns = Object.fromEntries(updatable.map((key) => [key, sql.raw(`excluded.${directoryPeople[key].name}`)]));

/** Upserts by object id (or UPN where there is none), a few hundred rows a statement. */
export async function upsertDirectoryPeople(db: Db, orgId: string, people: DirectoryPersonInput[]) {
  let added = 0;
  let updated = 0;
  for (let start = 0; start < people.length; start += CHUNK) {
    const chunk = people.slice(start, start + CHUNK);
    const upns = chunk.map((p) => norm(p.userPrincipalName ?? p.mail)).filter((v): v is string => !!v);
    const oids = chunk.map((p) => p.entraObjectId).filter((v): v is string => !!v);
    const existing = await db.select({ id: directoryPeople.id, oid: directoryPeople.entraObjectId, upn: directoryPeople.upnNorm })
      .from(directoryPeople)
      .where(and(eq(directoryPeople.orgId, orgId), sql`(${inArray(directoryPeople.upnNorm, upns)} OR ${oids.length ? inArray(directoryPeople.entraObjectId, oids) : sql`0`})`));
    const byOid = new Map(existing.filter((e) => e.oid).map((e) => [e.oid!, e.id]));
    const byUpn = new Map(existing.filter((e) => e.upn).map((e) => [e.upn!, e.id]));
    const rows = chunk.map((p) => {
      const upnNorm = norm(p.userPrincipalName ?? p.mail);
      const id = (p.entraObjectId && byOid.get(p.entraObjectId)) || (upnNorm && byUpn.get(upnNorm)) || null;
      if (id) updated++;
      else added++;
      return {
        id: id ?? newId(), orgId, entraObjectId: p.entraObjectId, mail: p.mail, userPrincipalName: p.userPrincipalName ?? p.mail,
        displayName: p.displayName, givenName: p.givenName, surname: p.surname, jobTitle: p.jobTitle, department: p.department,
        accountEnabled: p.accountEnabled, removedAt: null, mailNorm: norm(p.mail), upnNorm, displayNorm: norm(p.displayName) ?? "",
        givenNorm: norm(p.givenName), surnameNorm: norm(p.surname), updatedAt: new Date(),
      };
    });
    await db.insert(directoryPeople).values(rows).onConflictDoUpdate({
      target: directoryPeople.id,
      set: excludedColumns,
    });
    await yieldToEventLoop();
  }
  return { added, updated };
}
