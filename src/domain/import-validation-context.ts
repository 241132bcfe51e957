// What a validation job carries from chunk to chunk (import-validation.ts), and what judging a
// row (import-row-verdicts.ts) and resolving typos (import-suggestions.ts) read and grow in it.
import type { ChunkRow } from "../db/statements/import-validation.js";
import type { TypoIndex } from "./import-typos.js";

export type ValidationJob = { id: string; orgId: string; cursorRow: number };

/** What a job keeps between chunks: the organization's domains, the first row of each address and person, the typo index once needed. */
export type ValidationContext = {
  orgDomains: string[];
  firstByAddress?: Map<string, number>;
  /** The first row naming each person exactly, and the first typo of each person. */
  firstByPerson?: Map<string, number>;
  typoByPerson?: Map<string, number>;
  /** First rows (of an address) whose verdict is not ready: their duplicates claim nothing. */
  unready?: Set<number>;
  typos?: TypoIndex;
  /** Runs a read on another connection and thread (src/jobs/database-thread.ts): the next chunk is read there meanwhile. */
  readAhead?: (sql: string, args: unknown[]) => Promise<unknown[][]>;
  /** The chunk after row `after` (at most `size` rows), being read ahead. */
  ahead?: { after: number; size: number; rows: Promise<FoundRow[] | null> };
};

/** A stored row as the chunk reads it: row number, value, address, person, enabled, removed, membership. */
export type FoundRow = ChunkRow;
