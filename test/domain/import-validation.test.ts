// Reading and validation over real-world files: each file goes through createImport (the csv
// reader) and the validation job (drainImports) against a real directory, and every row's
// outcome, code and suggestion is checked.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, importRows, imports, members } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { messages } from "../../src/domain/import-messages.js";
import { createImport } from "../../src/domain/import-upload.js";
import type { ValidationContext } from "../../src/domain/import-validation-context.js";
import { validateImportChunk } from "../../src/domain/import-validation.js";
import { newId } from "../../src/ids.js";
import { claimImport, drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const utf8Bom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
const utf16le = (text: string) => new Uint8Array(Buffer.from("\uFEFF" + text, "utf16le"));
const windows1252 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
const limits = { maxBytes: 1024 * 1024, maxRows: 10_000 };

let database: TestDatabase;
let actor: Actor;
let orgId: string;

const people = [
  "ada.lovelace",
  "grace.hopper",
  "alan.turing",
  "katherine.johnson",
  "margaret.hamilton",
  "dorothy.vaughan",
  "edsger.dijkstra",
  "barbara.liskov",
  "donald.knuth",
  "frances.allen",
  "ken.thompson",
  "left.company",
];

beforeAll(async () => {
  database = await createTestDatabase();
  const org = await createOrganization(database.db, {
    name: "Contoso",
    domain: "contoso.example",
    people: [
      { email: "admin@contoso.example", isAdmin: true },
      ...people.map((p) => ({ email: `${p}@contoso.example`, displayName: p, accountEnabled: p !== "alan.turing" })),
      // Mail and UPN differ: either finds the person.
      { email: "linus@contoso.example", userPrincipalName: "linus.torvalds@contoso.onmicrosoft.com", displayName: "Linus" },
    ],
  });
  orgId = org.id;
  const admin = (await database.db.select().from(directoryPeople).where(eq(directoryPeople.mailNorm, "admin@contoso.example")))[0]!;
  actor = { personId: admin.id, orgId, name: "Admin" };
  const byMail = async (local: string) =>
    (
      await database.db
        .select()
        .from(directoryPeople)
        .where(eq(directoryPeople.mailNorm, `${local}@contoso.example`))
    )[0]!;
  await database.db.write(async (tx) =>
    tx
      .update(directoryPeople)
      .set({ removedAt: new Date() })
      .where(eq(directoryPeople.id, (await byMail("left.company")).id)),
  );
  for (const [local, status] of [
    ["katherine.johnson", "invited"],
    ["margaret.hamilton", "active"],
    ["dorothy.vaughan", "archived"],
  ] as const) {
    const person = await byMail(local);
    await database.db.write((tx) =>
      tx
        .insert(members)
        .values({ id: newId(), orgId, personId: person.id, email: person.mail!, emailNorm: person.mailNorm!, name: local, sortName: local, status }),
    );
  }
});
afterAll(() => database.close());

type Outcome = [row: number, code: string, detail?: string];

async function validate(bytes: Uint8Array, chunkSize = 3) {
  const created = await createImport(database.db, actor, { fileName: "file.csv", bytes }, limits);
  if (!created.ok) throw new Error(`refused: ${created.message}`);
  await drainImports({ db: database.db, publicUrl: "http://localhost", chunkSize });
  const rows = await database.db.select().from(importRows).where(eq(importRows.importId, created.importId)).orderBy(importRows.rowNumber);
  const [job] = await database.db.select().from(imports).where(eq(imports.id, created.importId));
  return { id: created.importId, rows, job: job!, detection: created.detection };
}

const outcomes = (rows: (typeof importRows.$inferSelect)[]): Outcome[] =>
  rows.map((r) => (r.suggestion ? [r.rowNumber, r.code!, r.suggestion] : [r.rowNumber, r.code!]));

const cases: { name: string; bytes: Uint8Array; expected: Outcome[] }[] = [
  {
    name: "Excel CSV UTF-8 with BOM, 'Email Address' header, CRLF",
    bytes: utf8Bom("Name,Email Address\r\nAda,ada.lovelace@contoso.example\r\nGrace,Grace.Hopper@CONTOSO.example\r\n"),
    expected: [
      [2, "ready"],
      [3, "ready"],
    ],
  },
  {
    name: "European Excel: semicolons, 'E-mail' header, accents in the names",
    bytes: utf8("Nom;E-mail;Service\r\nZoë Dupont;edsger.dijkstra@contoso.example;Ventes\r\nJosé García;barbara.liskov@contoso.example;R&D\r\n"),
    expected: [
      [2, "ready"],
      [3, "ready"],
    ],
  },
  {
    name: "Excel Unicode Text: UTF-16 LE, tab-separated",
    bytes: utf16le("Name\tE-mail\r\nŻółć\tdonald.knuth@contoso.example\r\n李雷\tfrances.allen@contoso.example\r\n"),
    expected: [
      [2, "ready"],
      [3, "ready"],
    ],
  },
  {
    name: "Windows-1252 names (not valid UTF-8)",
    bytes: windows1252("name,email\r\nZoë Müller,ken.thompson@contoso.example\r\nRenée,nobody@contoso.example\r\n"),
    expected: [
      [2, "ready"],
      [3, "not_in_directory"],
    ],
  },
  {
    name: "Entra 'Download users' export: mail, falling back to the UPN where mail is empty",
    bytes: utf8(
      "id,userPrincipalName,displayName,mail,accountEnabled\n1,ada.lovelace@contoso.example,Ada,ada.lovelace@contoso.example,true\n2,linus.torvalds@contoso.onmicrosoft.com,Linus,,true\n",
    ),
    expected: [
      [2, "ready"],
      [3, "ready"],
    ],
  },
  {
    name: "quoted 'Name <addr>', mailto: and stray spaces and quotes",
    bytes: utf8("email\n\"Ada Lovelace <ada.lovelace@contoso.example>\"\nmailto:grace.hopper@contoso.example\n  'donald.knuth@contoso.example'  \n"),
    expected: [
      [2, "ready"],
      [3, "ready"],
      [4, "ready"],
    ],
  },
  {
    name: "no header: the column of addresses is found by its values",
    bytes: utf8("Ada,ada.lovelace@contoso.example\nGrace,grace.hopper@contoso.example\n"),
    expected: [
      [1, "ready"],
      [2, "ready"],
    ],
  },
  {
    name: "blank lines are ignored but keep the spreadsheet's row numbers; an empty cell is an error",
    bytes: utf8("email,name\n\nada.lovelace@contoso.example,Ada\n\n\n,Nobody\ngrace.hopper@contoso.example,Grace\n"),
    expected: [
      [3, "ready"],
      [6, "empty"],
      [7, "ready"],
    ],
  },
  {
    name: "duplicates ignoring case name the earlier row; the same person by UPN too",
    bytes: utf8(
      "email\nada.lovelace@contoso.example\nADA.LOVELACE@contoso.example\nlinus@contoso.example\nlinus.torvalds@contoso.onmicrosoft.com\nAda.Lovelace@Contoso.Example\n",
    ),
    expected: [
      [2, "ready"],
      [3, "duplicate_in_file"],
      [4, "ready"],
      [5, "duplicate_in_file"],
      [6, "duplicate_in_file"],
    ],
  },
  {
    name: "formula-injection cells are not addresses",
    bytes: utf8('email\n"=HYPERLINK(""http://evil"",""x"")"\n@SUM(A1:A9)\n+1 555 0100\n-2+3\n'),
    expected: [
      [2, "invalid_format"],
      [3, "invalid_format"],
      [4, "invalid_format"],
      [5, "invalid_format"],
    ],
  },
  {
    name: "typos: a near-miss domain, swapped, missing and doubled letters, at the start or the end",
    bytes: utf8(
      "email\nada.lovelace@contoso.exmaple\ngrace.hopper@contso.example\nedsger.dijkstar@contoso.example\nkn.thompson@contoso.example\nddonald.knuth@contoso.example\nrbarbara.liskov@contoso.example\nfrances.alen@contoso.example\nzz.top@contoso.example\nken.thompson@gmail.com\n",
    ),
    expected: [
      [2, "possible_typo", "ada.lovelace@contoso.example"],
      [3, "possible_typo", "grace.hopper@contoso.example"],
      [4, "possible_typo", "edsger.dijkstra@contoso.example"],
      [5, "possible_typo", "ken.thompson@contoso.example"],
      [6, "possible_typo", "donald.knuth@contoso.example"],
      [7, "possible_typo", "barbara.liskov@contoso.example"],
      [8, "possible_typo", "frances.allen@contoso.example"],
      [9, "not_in_directory"],
      [10, "not_in_directory"],
    ],
  },
  {
    name: "two typos of one person: the second is the same person; an exact row of them is not held back by a typo before it",
    bytes: utf8("email\nada.lovelcae@contoso.example\nada.lovelace@contoso.exmaple\nada.lovelace@contoso.example\nrgace.hopper@contoso.example\n"),
    expected: [
      [2, "possible_typo", "ada.lovelace@contoso.example"],
      [3, "duplicate_in_file", "ada.lovelace@contoso.example"],
      [4, "ready"],
      [5, "possible_typo", "grace.hopper@contoso.example"],
    ],
  },
  {
    name: "a near-miss domain and a typo in the name are two typos: no suggestion",
    bytes: utf8("email\ngrace.hoppr@contso.example\n"),
    expected: [[2, "not_in_directory"]],
  },
  {
    name: "directory and membership states: disabled, invited, active, archived, left",
    bytes: utf8(
      "email\nalan.turing@contoso.example\nkatherine.johnson@contoso.example\nmargaret.hamilton@contoso.example\ndorothy.vaughan@contoso.example\nleft.company@contoso.example\nnot an address\n",
    ),
    expected: [
      [2, "account_disabled"],
      [3, "already_invited"],
      [4, "already_active"],
      [5, "ready"],
      [6, "not_in_directory"],
      [7, "invalid_format"],
    ],
  },
  {
    name: "a typo of someone gets that person's own outcome, named: disabled, left, invited, active, archived",
    bytes: utf8(
      "email\nalan.turnig@contoso.example\nleft.compnay@contoso.example\nkatherine.jonhson@contoso.example\nmargaret.hamiltn@contoso.example\ndorothy.vaughn@contoso.example\n",
    ),
    expected: [
      [2, "account_disabled", "alan.turing@contoso.example"],
      [3, "not_in_directory", "left.company@contoso.example"],
      [4, "already_invited", "katherine.johnson@contoso.example"],
      [5, "already_active", "margaret.hamilton@contoso.example"],
      [6, "possible_typo", "dorothy.vaughan@contoso.example"],
    ],
  },
];

describe("validating real-world files", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { rows, job } = await validate(c.bytes);
      expect(outcomes(rows)).toEqual(c.expected);
      // The counts always match the rows.
      const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
      expect(job).toMatchObject({
        status: "ready",
        processed: rows.length,
        total: rows.length,
        readyCount: count("ready"),
        skippedCount: count("skipped"),
        errorCount: count("error"),
      });
      expect(job.suggestionCount).toBe(rows.filter((r) => r.code === "possible_typo").length);
    });
  }

  it("keeps each row's value exactly as given and says why in a sentence", async () => {
    const { rows } = await validate(
      utf8("email\n  Ada.Lovelace@Contoso.Example \nada.lovelace@contoso.example\nkatherine.johnson@contoso.example\ndorothy.vaughan@contoso.example\n"),
    );
    expect(rows.map((r) => r.value)).toEqual([
      "  Ada.Lovelace@Contoso.Example ",
      "ada.lovelace@contoso.example",
      "katherine.johnson@contoso.example",
      "dorothy.vaughan@contoso.example",
    ]);
    expect(rows.map((r) => r.message)).toEqual([
      "Ready to invite.",
      "Same address as row 2; invited once.",
      "Already invited and not joined yet; use Resend on the Users page if they lost the email.",
      "Archived member: will be invited again.",
    ]);
  });

  it("a corrected domain whose address is in the directory is that person, in any state, named in the message", async () => {
    const { rows } = await validate(utf8("email\nalan.turing@contso.example\nkatherine.johnson@contoso.exampel\nada.lovelace@contso.example\n"));
    expect(outcomes(rows)).toEqual([
      [2, "account_disabled", "alan.turing@contoso.example"],
      [3, "already_invited", "katherine.johnson@contoso.example"],
      [4, "possible_typo", "ada.lovelace@contoso.example"],
    ]);
    expect(rows.map((r) => r.message)).toEqual([
      "Not in the directory as typed; did you mean alan.turing@contoso.example (alan.turing)? This account is disabled in your organization's directory.",
      "Not in the directory as typed; did you mean katherine.johnson@contoso.example (katherine.johnson)? Already invited and not joined yet; use Resend on the Users page if they lost the email.",
      "Not in the directory. Did you mean ada.lovelace@contoso.example (ada.lovelace)?",
    ]);
    const ada = (await database.db.select().from(directoryPeople).where(eq(directoryPeople.mailNorm, "ada.lovelace@contoso.example")))[0]!;
    expect(rows[2]!.personId).toBe(ada.id);
  });

  it("a duplicate row says 'invited once' only when the first row is ready", async () => {
    const { rows } = await validate(
      utf8(
        "email\nnobody@contoso.example\nNOBODY@contoso.example\nada.lovelace@contoso.example\nAda.Lovelace@contoso.example\nalan.turing@contoso.example\nlinus@contoso.example\nlinus.torvalds@contoso.onmicrosoft.com\n",
      ),
    );
    expect(rows.map((r) => r.message)).toEqual([
      messages.notInDirectory,
      "Same address as row 2; see that row.",
      "Ready to invite.",
      "Same address as row 4; invited once.",
      messages.accountDisabled,
      "Ready to invite.",
      "Same person as row 7 (another of their addresses); invited once.",
    ]);
  });
});

describe("resuming", () => {
  it("a job taken over mid-way by another worker ends as if it had run in one go", async () => {
    const file = utf8(
      [
        "email",
        "ada.lovelace@contoso.example",
        "grace.hopper@contoso.example",
        "linus@contoso.example",
        "ADA.lovelace@contoso.example",
        "linus.torvalds@contoso.onmicrosoft.com",
        "nobody@contoso.example",
        "grace.hopper@contoso.example",
        "donald.knuth@contoso.example",
      ].join("\n"),
    );
    const straight = await validate(file, 2);

    const created = await createImport(database.db, actor, { fileName: "file.csv", bytes: file }, limits);
    if (!created.ok) throw new Error(created.message);
    const first = (await claimImport(database.db, "worker-1", 60_000))!;
    const job = { id: first.id, orgId, cursorRow: 0 };
    const context: ValidationContext = { orgDomains: ["contoso.example"] };
    for (let i = 0; i < 2; i++) expect(await validateImportChunk(database.db, job, "worker-1", context, { chunkSize: 2, leaseMs: 60_000 })).toBe("more");
    // worker-1 dies; its lease runs out and worker-2 claims the job with nothing in memory.
    await database.db.write((tx) =>
      tx
        .update(imports)
        .set({ lockedUntil: new Date(Date.now() - 1) })
        .where(eq(imports.id, first.id)),
    );
    const second = (await claimImport(database.db, "worker-2", 60_000))!;
    expect(second.id).toBe(first.id);
    expect(second.cursorRow).toBe(5);
    // The old owner's next chunk is refused and writes nothing.
    expect(await validateImportChunk(database.db, { ...job }, "worker-1", { orgDomains: ["contoso.example"] }, { chunkSize: 2, leaseMs: 60_000 })).toBe("lost");
    const fresh = { id: second.id, orgId, cursorRow: second.cursorRow };
    const context2: ValidationContext = { orgDomains: ["contoso.example"] };
    let result: string;
    do result = await validateImportChunk(database.db, fresh, "worker-2", context2, { chunkSize: 2, leaseMs: 60_000 });
    while (result === "more");
    expect(result).toBe("done");

    const rows = await database.db.select().from(importRows).where(eq(importRows.importId, first.id)).orderBy(importRows.rowNumber);
    expect(outcomes(rows)).toEqual(outcomes(straight.rows));
    expect(rows.map((r) => r.message)).toEqual(straight.rows.map((r) => r.message));
    const [resumed] = await database.db.select().from(imports).where(eq(imports.id, first.id));
    expect(resumed).toMatchObject({
      status: "ready",
      processed: straight.job.processed,
      readyCount: straight.job.readyCount,
      skippedCount: straight.job.skippedCount,
      errorCount: straight.job.errorCount,
      lockedBy: null,
    });
  });
});

describe("reading ahead on the database thread", () => {
  it("gives every row the verdict it gets when each chunk is read in turn", async () => {
    const { startDatabaseThread } = await import("../../src/jobs/database-thread.js");
    const lines = ["email"];
    for (let i = 0; i < 4; i++) {
      lines.push(
        ...people.map((p) => `${p}@contoso.example`),
        "linus.torvalds@contoso.onmicrosoft.com",
        `nobody${i}@contoso.example`,
        "grace.hoppr@contoso.example",
        "ADA.LOVELACE@contoso.example",
        "",
        "not an address",
      );
    }
    const file = utf8(lines.join("\n"));
    const straight = await validate(file, 4);
    const thread = startDatabaseThread(database.url)!;
    try {
      const created = await createImport(database.db, actor, { fileName: "file.csv", bytes: file }, limits);
      if (!created.ok) throw new Error(created.message);
      const read = { reads: 0 };
      // Every third read ahead fails: that chunk is read again on the event loop.
      const readAhead = (sql: string, args: unknown[]) => (++read.reads % 3 === 0 ? Promise.reject(new Error("thread gone")) : thread.read(sql, args));
      const claimed = (await claimImport(database.db, "worker-1", 60_000))!;
      const job = { id: claimed.id, orgId, cursorRow: 0 };
      const context: ValidationContext = { orgDomains: ["contoso.example"], readAhead };
      for (let i = 0; i < 3; i++) expect(await validateImportChunk(database.db, job, "worker-1", context, { chunkSize: 4, leaseMs: 60_000 })).toBe("more");
      // The chunk size changes (the worker sizes chunks by time): the chunk read ahead is still the next one.
      let result: string;
      do result = await validateImportChunk(database.db, job, "worker-1", context, { chunkSize: 5, leaseMs: 60_000 });
      while (result === "more");
      expect(result).toBe("done");
      expect(read.reads).toBeGreaterThan(10);
      const rows = await database.db.select().from(importRows).where(eq(importRows.importId, claimed.id)).orderBy(importRows.rowNumber);
      expect(outcomes(rows)).toEqual(outcomes(straight.rows));
      expect(rows.map((r) => r.message)).toEqual(straight.rows.map((r) => r.message));
    } finally {
      await thread.stop();
    }
  });
});
