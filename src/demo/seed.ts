// Local mode's demo: "Contoso (demo)" with its 2,000-person directory (the committed Entra
// export, read by the same code as `npm run directory:import`) and members in every status.
// Idempotent: a second run finds everything in place and changes nothing.
import { readFileSync } from "node:fs";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople, invitations, members, mileageRates } from "../db/schema.js";
import { findOrCreateOrganization, upsertDirectoryPeople } from "../domain/directory.js";
import { readDirectoryCsv } from "../domain/directory-csv.js";
import { newId, newToken, sha256Hex } from "../ids.js";
import { projectPath } from "../paths.js";

export const DEMO_ORG = "Contoso (demo)";
const csvPath = projectPath("src/demo/contoso-directory.csv");
const DAY = 86_400_000;

export async function seedDemo(db: Db): Promise<{ orgId: string; seeded: boolean }> {
  const org = await db.write((tx) => findOrCreateOrganization(tx, { name: DEMO_ORG, domains: ["contoso.example"] }));
  const count = async (table: typeof directoryPeople | typeof members | typeof mileageRates) =>
    (await db.select({ n: sql<number>`count(*)` }).from(table).where(eq(table.orgId, org.id)))[0]!.n;
  // Each step runs only when its part is missing, so a restart (or a crash mid-seed) converges.
  if ((await count(directoryPeople)) === 0) {
    const parsed = readDirectoryCsv(readFileSync(csvPath));
    if (!parsed.ok || parsed.rejected.length)
      throw new Error(`the demo directory ${csvPath} does not read: ${parsed.ok ? parsed.rejected[0]!.reason : parsed.message}`);
    await db.write((tx) => upsertDirectoryPeople(tx, org.id, parsed.people));
  }
  await db.write((tx) =>
    tx
      .update(directoryPeople)
      .set({ isAdmin: true })
      .where(and(eq(directoryPeople.orgId, org.id), eq(directoryPeople.mailNorm, "alex.admin@contoso.example"))),
  );
  const admin = (
    await db
      .select()
      .from(directoryPeople)
      .where(and(eq(directoryPeople.orgId, org.id), eq(directoryPeople.mailNorm, "alex.admin@contoso.example")))
  )[0]!;

  if ((await count(mileageRates)) === 0) {
    await db.write((tx) => tx.insert(mileageRates).values({ id: newId(), orgId: org.id, year: new Date().getUTCFullYear(), rateMilli: 725, setBy: admin.id }));
  }
  if ((await count(members)) > 0) return { orgId: org.id, seeded: false };

  // Members: 1,200 active, 300 invited, 100 archived, from enabled people other than the demo accounts.
  const candidates = (await db.select().from(directoryPeople).where(eq(directoryPeople.orgId, org.id)).orderBy(directoryPeople.upnNorm)).filter(
    (p) => p.accountEnabled && !["alex.admin@contoso.example", "casey.member@contoso.example"].includes(p.mailNorm ?? ""),
  );
  const now = Date.now();
  const plan = candidates.slice(0, 1600).map((person, i) => {
    const status = i % 16 === 0 ? "archived" : i % 16 <= 3 ? "invited" : "active";
    const invitedAt = new Date(now - ((i * 7919) % 120) * DAY - (i % 24) * 3_600_000);
    return { person, status: status as "invited" | "active" | "archived", invitedAt };
  });
  await db.write(async (tx) => {
    for (let start = 0; start < plan.length; start += 400) {
      const chunk = plan.slice(start, start + 400);
      const memberRows = chunk.map(({ person, status, invitedAt }) => ({
        id: newId(),
        orgId: org.id,
        personId: person.id,
        email: person.mail ?? person.userPrincipalName ?? "",
        emailNorm: person.mailNorm ?? person.upnNorm ?? "",
        name: person.displayName,
        sortName: person.displayNorm,
        status,
        invitedAt,
        invitedBy: admin.id,
        activatedAt: status === "active" ? new Date(invitedAt.getTime() + 2 * DAY) : null,
        archivedAt: status === "archived" ? new Date(invitedAt.getTime() + 5 * DAY) : null,
        archivedBy: status === "archived" ? admin.id : null,
      }));
      await tx.insert(members).values(memberRows);
      await tx.insert(invitations).values(
        memberRows.map((m) => ({
          id: newId(),
          orgId: org.id,
          memberId: m.id,
          tokenHash: sha256Hex(newToken()),
          invitedBy: admin.id,
          lastSentAt: m.invitedAt,
          deliveryStatus: "delivered" as const,
          createdAt: m.invitedAt,
          acceptedAt: m.activatedAt,
          revokedAt: m.archivedAt,
        })),
      );
    }
  });
  return { orgId: org.id, seeded: true };
}
