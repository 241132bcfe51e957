// Turning the bytes of an uploaded file into text: which encoding, and whether it is text at all.
// Excel writes UTF-8 (with a BOM for "CSV UTF-8"), UTF-16 LE with a BOM ("Unicode Text") or the
// Windows code page ("CSV (Comma delimited)"), so those are the ones we recognise. An upload is
// decoded a piece at a time (openCsvText): the whole file as one string would be a second copy
// of it (35 MB for a 1,000,000-row file) held while its rows are read.
import { isUtf8 } from "node:buffer";
import { CsvText } from "./csv-text.js";

export type CsvEncoding = "UTF-8" | "UTF-8 with BOM" | "UTF-16 LE" | "UTF-16 BE" | "Windows-1252";

export type DecodeResult = { ok: true; text: string; encoding: CsvEncoding } | { ok: false; code: "empty" | "binary"; message: string };
export type OpenTextResult = { ok: true; text: CsvText; encoding: CsvEncoding } | { ok: false; code: "empty" | "binary"; message: string };

/** Characters looked at to tell text from binary. */
const BINARY_SAMPLE_CHARS = 65_536;

const SAVE_AS_CSV = "In Excel or another spreadsheet, choose File > Save As > CSV UTF-8 (comma delimited), then upload that file.";

/** Decodes the whole file; refuses empty and binary files with a message that says what to do. */
export function decodeCsvBytes(bytes: Uint8Array): DecodeResult {
  const encoding = detectEncoding(bytes);
  if (encoding === "binary") return refuseBinary(bytes);
  let text: string;
  if (encoding === "UTF-8") {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Not valid UTF-8: a file saved as "CSV (Comma delimited)" in the Windows code page.
      return finish(new TextDecoder("windows-1252").decode(bytes), "Windows-1252", bytes);
    }
    return finish(text, "UTF-8", bytes);
  }
  const label = encoding === "UTF-8 with BOM" ? "utf-8" : encoding === "UTF-16 BE" ? "utf-16be" : "utf-16le";
  // A BOM says what the file is; a stray invalid sequence becomes U+FFFD rather than a refusal.
  const skip = encoding === "UTF-8 with BOM" ? 3 : hasUtf16Bom(bytes) ? 2 : 0;
  text = new TextDecoder(label, { ignoreBOM: true }).decode(bytes.subarray(skip));
  return finish(text, encoding, bytes);
}

/**
 * The same decision as decodeCsvBytes (encoding, empty, binary), with the text given a piece at a
 * time rather than as one string.
 */
export function openCsvText(bytes: Uint8Array): OpenTextResult {
  let encoding = detectEncoding(bytes);
  if (encoding === "binary") return refuseBinary(bytes);
  // Not valid UTF-8: a file saved as "CSV (Comma delimited)" in the Windows code page.
  if (encoding === "UTF-8" && !isUtf8(bytes)) encoding = "Windows-1252";
  const label = { "UTF-8": "utf-8", "UTF-8 with BOM": "utf-8", "UTF-16 LE": "utf-16le", "UTF-16 BE": "utf-16be", "Windows-1252": "windows-1252" }[encoding];
  // A BOM says what the file is; a stray invalid sequence becomes U+FFFD rather than a refusal.
  const skip = encoding === "UTF-8 with BOM" ? 3 : encoding.startsWith("UTF-16") && hasUtf16Bom(bytes) ? 2 : 0;
  const text = new CsvText(bytes.subarray(skip), label);
  let blank = true;
  for (const piece of text.pieces()) {
    if (piece.trim() !== "") {
      blank = false;
      break;
    }
  }
  if (blank) return refuseEmpty();
  if (looksBinary(text.start(BINARY_SAMPLE_CHARS))) return refuseBinary(bytes);
  return { ok: true, text, encoding };
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

function detectEncoding(bytes: Uint8Array): CsvEncoding | "binary" {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "UTF-8 with BOM";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "UTF-16 LE";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "UTF-16 BE";
  if (bytes.indexOf(0) === -1) return "UTF-8";
  // NUL bytes: UTF-16 without a BOM (every other byte zero in Latin text), or not text at all.
  const sample = bytes.subarray(0, Math.min(bytes.length, 4096) & ~1);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenZero++;
    if (sample[i + 1] === 0) oddZero++;
  }
  const pairs = sample.length / 2;
  if (pairs >= 2 && evenZero === 0 && oddZero > pairs * 0.9) return "UTF-16 LE";
  if (pairs >= 2 && oddZero === 0 && evenZero > pairs * 0.9) return "UTF-16 BE";
  return "binary";
}

function finish(text: string, encoding: CsvEncoding, bytes: Uint8Array): DecodeResult {
  if (text.trim() === "") return refuseEmpty();
  if (looksBinary(text)) return refuseBinary(bytes);
  return { ok: true, text, encoding };
}

function refuseEmpty(): { ok: false; code: "empty"; message: string } {
  return {
    ok: false,
    code: "empty",
    message: "The file is empty. Put a header named email in the first row and one address per row below it, or start from the sample file.",
  };
}

// Text files have almost no control characters besides tab and line breaks; images, archives
// and executables decoded as Windows-1252 are about 10% control characters.
function looksBinary(text: string): boolean {
  const length = Math.min(text.length, BINARY_SAMPLE_CHARS);
  let controls = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f || c === 0xfffd) controls++;
  }
  return controls > 8 && controls > length / 100;
}

function refuseBinary(bytes: Uint8Array): { ok: false; code: "binary"; message: string } {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const ole = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  const message =
    zip || ole ? `This looks like an Excel workbook, not a CSV file. ${SAVE_AS_CSV}` : `This is not a CSV text file (it contains binary data). ${SAVE_AS_CSV}`;
  return { ok: false, code: "binary", message };
}
