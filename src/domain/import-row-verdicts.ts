// Each row's verdict during validation, in row order: its address, then its person (exactly,
// or the one person a typo was meant to be: import-suggestions.ts), against what came before it
// in the file (duplicates) and the directory and memberships as they are. The maps of first rows
// live in the job's context between chunks and are rebuilt from the stored verdicts after a
// restart, the same way.
import type { Db } from "../db/client.js";
import { readValidatedRows } from "../db/statements/import-validation.js";
import { cleanAddressValue } from "./addresses.js";
import { messages, type RowVerdict } from "./import-messages.js";
import { resolveTypos, type TypoPerson } from "./import-suggestions.js";
import type { ValidationContext, ValidationJob } from "./import-validation-context.js";
import { yieldToEventLoop } from "../event-loop.js";

/** A stored row with its directory person (by mail, else UPN) and membership, as the chunk read them. */
export type StoredRow = {
  rowNumber: number;
  value: string;
  emailNorm: string | null;
  personId: string | null;
  enabled: boolean;
  removed: boolean;
  memberStatus: string | null;
};

const PAGE = 5000;

/** After a restart: the first row of every address and person among the rows already validated. */
export async function rebuildFirstRows(db: Db, job: ValidationJob, context: ValidationContext) {
  const byAddress = new Map<string, number>();
  const byPerson = new Map<string, number>();
  const typoByPerson = new Map<string, number>();
  const unready = new Set<number>();
  for (let after = 0; after < job.cursorRow; ) {
    const rows = await readValidatedRows(db, job.id, after, job.cursorRow, PAGE);
    for (const [rowNumber, norm, person, code, typo] of rows) {
      // judgeRows' first rows, the same way: an address first, then its person (exactly, or by a typo).
      if (!norm || byAddress.has(norm)) continue;
      byAddress.set(norm, rowNumber);
      if (code !== "ready") unready.add(rowNumber);
      if (!person || code === "duplicate_in_file") continue;
      const map = typo ? typoByPerson : byPerson;
      if (!map.has(person)) map.set(person, rowNumber);
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]![0];
    await yieldToEventLoop();
  }
  Object.assign(context, { firstByAddress: byAddress, firstByPerson: byPerson, typoByPerson, unready });
}

/**
 * Decides every row of a chunk, in row order (the first-row maps grow as it goes). The people
 * that mistyped addresses were meant to be are found first, so each verdict is final when made.
 */
export async function judgeRows(db: Db, job: ValidationJob, context: ValidationContext, rows: StoredRow[]): Promise<RowVerdict[]> {
  const firstByAddress = context.firstByAddress!;
  const firstByPerson = context.firstByPerson!;
  const typoByPerson = context.typoByPerson!;
  const unready = context.unready!;
  const missing = [...new Set(rows.flatMap((r) => (r.emailNorm && !r.personId && !firstByAddress.has(r.emailNorm) ? [r.emailNorm] : [])))];
  const typos = missing.length > 0 ? await resolveTypos(db, job, context, missing) : new Map<string, TypoPerson>();
  const verdicts: RowVerdict[] = [];
  for (const row of rows) {
    const verdict = (
      code: RowVerdict["code"],
      outcome: RowVerdict["outcome"],
      message: string,
      personId: string | null = null,
      suggestion: string | null = null,
    ): RowVerdict => ({ rowNumber: row.rowNumber, outcome, code, message, suggestion, personId });
    const norm = row.emailNorm;
    if (!norm) {
      verdicts.push(
        cleanAddressValue(row.value) === "" ? verdict("empty", "error", messages.empty) : verdict("invalid_format", "error", messages.invalidFormat),
      );
      continue;
    }
    const earlier = firstByAddress.get(norm);
    if (earlier !== undefined) {
      verdicts.push(verdict("duplicate_in_file", "skipped", unready.has(earlier) ? messages.duplicateOfProblem(earlier) : messages.duplicate(earlier)));
      continue;
    }
    firstByAddress.set(norm, row.rowNumber);
    const judged = row.personId
      ? judgePerson(row, verdict, firstByPerson, unready)
      : judgeTypo(typos.get(norm), verdict, firstByPerson, typoByPerson, row.rowNumber);
    if (judged.outcome !== "ready") unready.add(row.rowNumber);
    verdicts.push(judged);
  }
  return verdicts;
}

type MakeVerdict = (
  code: RowVerdict["code"],
  outcome: RowVerdict["outcome"],
  message: string,
  personId?: string | null,
  suggestion?: string | null,
) => RowVerdict;

/** A row naming a directory person by one of their addresses. */
function judgePerson(row: StoredRow, verdict: MakeVerdict, firstByPerson: Map<string, number>, unready: Set<number>): RowVerdict {
  const id = row.personId!;
  const samePerson = firstByPerson.get(id);
  if (samePerson !== undefined) {
    return verdict("duplicate_in_file", "skipped", unready.has(samePerson) ? messages.samePersonOfProblem(samePerson) : messages.samePerson(samePerson));
  }
  firstByPerson.set(id, row.rowNumber);
  if (row.removed) return verdict("not_in_directory", "error", messages.leftDirectory, id);
  if (!row.enabled) return verdict("account_disabled", "error", messages.accountDisabled, id);
  if (row.memberStatus === "invited") return verdict("already_invited", "skipped", messages.alreadyInvited, id);
  if (row.memberStatus === "active") return verdict("already_active", "skipped", messages.alreadyActive, id);
  return verdict("ready", "ready", row.memberStatus === "archived" ? messages.archived : messages.ready, id);
}

/**
 * A row not in the directory: a typo of one person gets that person's own outcome, named;
 * only one who can be invited is a suggestion to use. A row naming the person exactly counts
 * before a typo of them, so typos do not claim the person for later exact rows.
 */
function judgeTypo(
  typo: TypoPerson | undefined,
  verdict: MakeVerdict,
  firstByPerson: Map<string, number>,
  typoByPerson: Map<string, number>,
  rowNumber: number,
): RowVerdict {
  if (!typo) return verdict("not_in_directory", "error", messages.notInDirectory);
  const { address, name, personId } = typo;
  const of = (code: RowVerdict["code"], outcome: RowVerdict["outcome"], sentence: string) =>
    verdict(code, outcome, messages.typoOf(address, name, sentence), personId, address);
  const earlier = firstByPerson.get(personId) ?? typoByPerson.get(personId);
  if (earlier !== undefined) return of("duplicate_in_file", "skipped", messages.typoSamePerson(earlier));
  typoByPerson.set(personId, rowNumber);
  if (typo.removed) return of("not_in_directory", "error", messages.leftDirectory);
  if (!typo.enabled) return of("account_disabled", "error", messages.accountDisabled);
  if (typo.memberStatus === "invited") return of("already_invited", "skipped", messages.alreadyInvited);
  if (typo.memberStatus === "active") return of("already_active", "skipped", messages.alreadyActive);
  return verdict("possible_typo", "error", messages.possibleTypo(address, name), personId, address);
}
