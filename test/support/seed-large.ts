// Seeds one organization with N directory people and N members (a third invited, half
// active, the rest archived) through multi-row VALUES in one transaction: seconds, not minutes.
// Departments have realistic sizes: eight large ones by weight (Sales is about a quarter of the
// organization, Legal about 3 %) and Field Services, 5,000 people in a directory of 100,000 or
// more (a 40th of a smaller one), none of them members yet: the group invite's department.
import type { Db } from "../../src/db/client.js";
import { runStatement } from "../../src/db/driver.js";
import { newId } from "../../src/ids.js";

const FIRST = [
  "Ava",
  "Ben",
  "Chloe",
  "Dan",
  "Ella",
  "Finn",
  "Grace",
  "Hugo",
  "Isla",
  "Jack",
  "Kara",
  "Liam",
  "Maya",
  "Noah",
  "Olivia",
  "Priya",
  "Quinn",
  "Ruby",
  "Sam",
  "Tara",
  "Uma",
  "Vik",
  "Wes",
  "Xena",
  "Yuki",
  "Zoe",
];
const LAST = [
  "Adams",
  "Brown",
  "Chen",
  "Diaz",
  "Evans",
  "Fischer",
  "Garcia",
  "Hughes",
  "Ito",
  "Jones",
  "Khan",
  "Lopez",
  "Meyer",
  "Nguyen",
  "Ortiz",
  "Patel",
  "Quinn",
  "Rossi",
  "Smith",
  "Tanaka",
  "Usman",
  "Varga",
  "Wang",
  "Xu",
  "Young",
  "Zhang",
];

export type LargeOrg = {
  orgId: string;
  adminId: string;
  domain: string;
  people: { id: string; mail: string; given: string; surname: string; department: string }[];
};

const WEIGHTED: [string, number][] = [
  ["Sales", 8],
  ["Engineering", 6],
  ["Operations", 5],
  ["Customer Success", 4],
  ["Marketing", 3],
  ["Finance", 2],
  ["Human Resources", 1],
  ["Legal", 1],
];
const WEIGHTS = WEIGHTED.flatMap(([name, weight]) => Array<string>(weight).fill(name));

/** Field Services: people [start, start + size), early in the directory and so never members here. */
export function fieldServices(people: number) {
  const size = people >= 100_000 ? 5_000 : Math.floor(people / 40);
  return { name: "Field Services", start: Math.floor(people / 20), size };
}

export function departmentAt(i: number, people: number): string {
  const field = fieldServices(people);
  if (i >= field.start && i < field.start + field.size) return field.name;
  return WEIGHTS[(Math.imul(i, 2654435761) >>> 0) % WEIGHTS.length]!;
}

export function personAt(i: number, domain: string) {
  const given = FIRST[i % FIRST.length]!;
  const surname = `${LAST[Math.floor(i / FIRST.length) % LAST.length]!}${Math.floor(i / (FIRST.length * LAST.length)) || ""}`;
  return { given, surname, mail: `${given}.${surname}.${i}@${domain}`.toLowerCase() };
}

export async function seedLargeOrganization(db: Db, input: { people: number; members: number; domain?: string; name?: string }): Promise<LargeOrg> {
  const domain = input.domain ?? "bigcorp.example";
  const orgId = newId();
  const people: LargeOrg["people"] = [];
  await db.write(async (tx) => {
    await runStatement(tx, {
      sql: "INSERT INTO organizations (id, name, domains) VALUES (?, ?, ?)",
      args: [orgId, input.name ?? "BigCorp", JSON.stringify([domain])],
    });
    const now = Date.now();
    for (let start = 0; start < input.people; start += 500) {
      const rows: unknown[] = [];
      const n = Math.min(500, input.people - start);
      for (let i = start; i < start + n; i++) {
        const p = personAt(i, domain);
        const id = newId();
        const department = departmentAt(i, input.people);
        people.push({ id, mail: p.mail, given: p.given, surname: p.surname, department });
        const display = `${p.given} ${p.surname}`;
        rows.push(
          id,
          orgId,
          `oid-${i}`,
          p.mail,
          p.mail,
          display,
          p.given,
          p.surname,
          "Field Engineer",
          department,
          i % 97 === 96 ? 0 : 1,
          i === 0 ? 1 : 0,
          p.mail,
          p.mail,
          display.toLowerCase(),
          p.given.toLowerCase(),
          p.surname.toLowerCase(),
          department.toLowerCase(),
          now,
        );
      }
      await runStatement(tx, {
        sql: `INSERT INTO directory_people (id, org_id, entra_object_id, mail, user_principal_name, display_name, given_name, surname, job_title, department, account_enabled, is_admin, mail_norm, upn_norm, display_norm, given_norm, surname_norm, department_norm, updated_at) VALUES ${Array(
          n,
        )
          .fill(`(${Array(19).fill("?").join(",")})`)
          .join(",")}`,
        args: rows as never,
      });
    }
    const statuses = ["invited", "active", "active", "archived", "active", "invited"];
    // Members come from the end of the directory so the start stays free to invite.
    for (let start = input.people - input.members; start < input.people; start += 500) {
      const rows: unknown[] = [];
      const n = Math.min(500, input.people - start);
      for (let i = start; i < start + n; i++) {
        const p = people[i]!;
        const status = statuses[i % statuses.length]!;
        const display = `${p.given} ${p.surname}`;
        rows.push(
          newId(),
          orgId,
          p.id,
          p.mail,
          p.mail,
          display,
          display.toLowerCase(),
          status,
          now - i * 1000,
          status === "active" ? now : null,
          status === "archived" ? now : null,
          now,
        );
      }
      await runStatement(tx, {
        sql: `INSERT INTO members (id, org_id, person_id, email, email_norm, name, sort_name, status, invited_at, activated_at, archived_at, updated_at) VALUES ${Array(n).fill("(?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`,
        args: rows as never,
      });
    }
  });
  return { orgId, adminId: people[0]!.id, domain, people };
}
