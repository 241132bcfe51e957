// An uploaded file's text, decoded a piece at a time each time it is read (csv-decode.ts opens
// it): a reader holds only the part it has not consumed yet, never the whole file as one string.

/** Bytes decoded per piece: a multi-byte character split between two pieces is carried over. */
const PIECE_BYTES = 1 << 16;

/** A file's text, decoded a piece at a time each time it is read. */
export class CsvText {
  readonly #bytes: Uint8Array;
  readonly #label: string;

  constructor(bytes: Uint8Array, label: string) {
    this.#bytes = bytes;
    this.#label = label;
  }

  /** The text from its start, in pieces of at most PIECE_BYTES bytes' worth. */
  *pieces(): Generator<string> {
    const decoder = new TextDecoder(this.#label, { ignoreBOM: true });
    for (let at = 0; at < this.#bytes.length; at += PIECE_BYTES) {
      const end = Math.min(this.#bytes.length, at + PIECE_BYTES);
      const piece = decoder.decode(this.#bytes.subarray(at, end), { stream: end < this.#bytes.length });
      if (piece !== "") yield piece;
    }
  }

  /** The first `chars` characters (fewer when the text is shorter). */
  start(chars: number): string {
    let text = "";
    for (const piece of this.pieces()) {
      text += piece;
      if (text.length >= chars) break;
    }
    return text.slice(0, chars);
  }

  /** A reader that walks the text from its start: it holds the part not yet consumed, a few pieces at most. */
  reader(): CsvTextReader {
    return new CsvTextReader(this.pieces());
  }
}

/** Walks the text once, from its start. */
export class CsvTextReader {
  readonly #pieces: Iterator<string>;
  #held = "";
  #ended = false;

  constructor(pieces: Iterator<string>) {
    this.#pieces = pieces;
  }

  /** Up to `chars` characters from the current position; `last` when they reach the end of the text. */
  peek(chars: number): { text: string; last: boolean } {
    while (this.#held.length <= chars && !this.#ended) {
      const next = this.#pieces.next();
      if (next.done) this.#ended = true;
      else this.#held += next.value;
    }
    return { text: this.#held.slice(0, chars), last: this.#ended && this.#held.length <= chars };
  }

  /** Moves past `chars` characters. */
  skip(chars: number): void {
    this.peek(chars);
    this.#held = this.#held.slice(chars);
  }

  /** Nothing is left to read. */
  get done(): boolean {
    return this.peek(1).text === "";
  }
}
