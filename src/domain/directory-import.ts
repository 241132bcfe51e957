// Loading a directory file (directory-csv.ts) into an organization, all or nothing: one
// transaction creates the organization if it must, upserts the people, names the Business
// Administrator and, with `full` (the file is the whole directory), removes the people it does
// not list, so a refusal or a failure halfway leaves the database as it was. A dry run is the
// same transaction rolled back, so what it reports is exactly what a real run would do. People
// found disabled or gone are leavers: their members are archived (leavers.ts).
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople, organizations } from "../db/schema.js";
import { normalizeAddress } from "./addresses.js";
import { domainOfAddress, type DirectoryFileRow } from "./directory-csv.js";
import { findOrCreateOrganization, removeDirectoryPeople, upsertDirectoryPeople } from "./directory.js";

export type DirectoryImportInput = {
  orgName: string;
  people: DirectoryFileRow[];
  /** Address of the person (in the file) who becomes the Business Administrator (local mode). */
  admin?: string | undefined;
  /** Entra mode: organizations come from sign-in (keyed on the tenant), never from a file. */
  entraMode: boolean;
  dryRun: boolean;
  /** The file lists the whole directory: people of the organization not in it have left. */
  full?: boolean;
};

export type DirectoryImportSummary = {
  dryRun: boolean;
  orgCreated: boolean;
  /** The new organization's domains: its members' domains, never a guest's. */
  domains: string[];
  /** Domains of guests in the file: people of other organizations, kept out of `domains`. */
  guestDomains: string[];
  guests: number;
  admin: string | null;
  added: number;
  updated: number;
  /** With `full`: people not in the file, removed; the first REMOVED_LISTED of their addresses. */
  removed: number;
  removedListed: string[];
  /** Members archived because their person was found disabled or gone. */
  archived: number;
};

export const REMOVED_LISTED = 20;

export type DirectoryImportOutcome = { ok: true; summary: DirectoryImportSummary } | { ok: false; message: string };

class Refused extends Error {}
class DryRunDone extends Error {
  constructor(readonly summary: DirectoryImportSummary) {
    super("dry run: rolled back");
  }
}

const addressOf = (p: DirectoryFileRow) => p.mail ?? p.userPrincipalName;
const uniqueDomains = (people: DirectoryFileRow[]) =>
  [...new Set(people.map((p) => domainOfAddress(addressOf(p))).filter((d): d is string => d !== null))].sort();

export async function importDirectory(db: Db, input: DirectoryImportInput): Promise<DirectoryImportOutcome> {
  const admin = input.admin === undefined ? null : findAdmin(input.people, input.admin, input.entraMode);
  if (typeof admin === "string") return { ok: false, message: admin };
  const members = input.people.filter((p) => !p.guest);
  const guests = input.people.filter((p) => p.guest);
  if (input.full && input.people.length === 0) {
    return {
      ok: false,
      message: `--full with a file that lists nobody would remove everyone from ${input.orgName}'s directory, so nothing was changed: an Entra "Download users" export lists the whole directory; export it again, or run without --full.`,
    };
  }
  try {
    const summary = await db.write(async (tx) => {
      const [existing] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, input.orgName));
      if (!existing) refuseToCreate(input, admin);
      const domains = uniqueDomains(members);
      const org = existing ?? (await findOrCreateOrganization(tx, { name: input.orgName, domains }));
      const live =
        existing && input.full
          ? await tx
              .select({ id: directoryPeople.id, mail: directoryPeople.mail, upn: directoryPeople.userPrincipalName })
              .from(directoryPeople)
              .where(and(eq(directoryPeople.orgId, org.id), isNull(directoryPeople.removedAt)))
          : [];
      const { added, updated, archived: disabledArchived, written } = await upsertDirectoryPeople(tx, org.id, input.people);
      const gone = live.filter((p) => !written.has(p.id));
      if (gone.length > 0 && gone.length === live.length) {
        throw new Refused(
          `--full would remove all ${live.length} people of ${input.orgName}'s directory: nobody in the file is in it, so nothing was changed. Check that the file is this organization's export (and --org), or run without --full.`,
        );
      }
      const goneArchived = await removeDirectoryPeople(
        tx,
        org.id,
        gone.map((p) => p.id),
      );
      if (admin) {
        await tx
          .update(directoryPeople)
          .set({ isAdmin: true })
          .where(and(eq(directoryPeople.orgId, org.id), eq(directoryPeople.upnNorm, normalizeAddress(admin.userPrincipalName ?? admin.mail!))));
      }
      const summary: DirectoryImportSummary = {
        dryRun: input.dryRun,
        orgCreated: !existing,
        domains: existing ? [] : domains,
        guestDomains: uniqueDomains(guests).filter((d) => !domains.includes(d)),
        guests: guests.length,
        admin: admin ? addressOf(admin) : null,
        added,
        updated,
        removed: gone.length,
        removedListed: gone.slice(0, REMOVED_LISTED).map((p) => p.mail ?? p.upn ?? p.id),
        archived: disabledArchived + goneArchived,
      };
      if (input.dryRun) throw new DryRunDone(summary);
      return summary;
    });
    return { ok: true, summary };
  } catch (error) {
    if (error instanceof DryRunDone) return { ok: true, summary: error.summary };
    if (error instanceof Refused) return { ok: false, message: error.message };
    throw error;
  }
}

function refuseToCreate(input: DirectoryImportInput, admin: DirectoryFileRow | null): void {
  if (input.entraMode) {
    throw new Refused(
      `There is no organization "${input.orgName}". With Entra sign-in an organization is created when its first Business Administrator signs in (it is named after their email domain): sign in first, then import into that name, or let the directory sync fill it.`,
    );
  }
  if (!admin) {
    throw new Refused(
      `There is no organization "${input.orgName}" yet: add --admin <address> naming the person in the file who will be its Business Administrator (nobody could use it otherwise), or check the name.`,
    );
  }
}

/** The person `address` names in the file, or why they cannot be the Business Administrator. */
function findAdmin(people: DirectoryFileRow[], address: string, entraMode: boolean): DirectoryFileRow | string {
  if (entraMode) return "--admin is for local mode: with Entra sign-in the Business Administrator role is an app role assigned in Entra.";
  const wanted = normalizeAddress(address);
  const person = people.find((p) => [p.mail, p.userPrincipalName].some((a) => a !== null && normalizeAddress(a) === wanted));
  if (!person) return `--admin ${address} is not in the file: name a person of the file by their mail or userPrincipalName.`;
  if (person.guest) return `--admin ${address} is a guest (line ${person.line}): name a member of the organization.`;
  if (!person.accountEnabled) return `--admin ${address} has a disabled account (line ${person.line}): name someone who can sign in.`;
  return person;
}
