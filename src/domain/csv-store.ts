// The email cells of a file's rows, packed: one joined string and two typed arrays per parsed
// chunk instead of a million small objects, so a 1,000,000-row file stays a few tens of MB and
// the decoded file text can be collected once reading is done.

export type CsvRow = {
  /** The spreadsheet line number: the header is row 1, blank lines count. */
  rowNumber: number;
  /** The cell exactly as given (not trimmed or cleaned); "" when the row has no such cell. */
  value: string;
};

type Segment = { first: number; text: string; ends: Uint32Array; rows: Uint32Array };

export class CsvRowStore {
  #segments: Segment[] = [];
  #values: string[] = [];
  #rowNumbers: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(rowNumber: number, value: string): void {
    this.#values.push(value);
    this.#rowNumbers.push(rowNumber);
    this.#size++;
  }

  /** Packs the rows added since the last call into one segment. */
  seal(): void {
    const count = this.#values.length;
    if (count === 0) return;
    const ends = new Uint32Array(count);
    let length = 0;
    for (let i = 0; i < count; i++) ends[i] = length += this.#values[i]!.length;
    this.#segments.push({
      first: this.#size - count,
      text: this.#values.join(""),
      ends,
      rows: Uint32Array.from(this.#rowNumbers),
    });
    this.#values = [];
    this.#rowNumbers = [];
  }

  /** Rows start (inclusive) to end (exclusive), in file order. Call after the last seal(). */
  slice(start: number, end: number): CsvRow[] {
    const out: CsvRow[] = [];
    const stop = Math.min(end, this.#size);
    let s = this.#segmentOf(start);
    for (let i = start; i < stop; i++) {
      let segment = this.#segments[s]!;
      if (i - segment.first >= segment.ends.length) segment = this.#segments[++s]!;
      const k = i - segment.first;
      const from = k === 0 ? 0 : segment.ends[k - 1]!;
      out.push({ rowNumber: segment.rows[k]!, value: segment.text.slice(from, segment.ends[k]!) });
    }
    return out;
  }

  #segmentOf(index: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#segments[mid]!.first <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
