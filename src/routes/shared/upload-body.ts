// Reading a multipart/form-data upload into ONE buffer and finding the file part in it, without
// copies: undici's formData() plus File.arrayBuffer() would hold three copies of the file at once.
// The size limit is enforced from Content-Length before reading, and again while reading.

export type UploadedFile = { fieldName: string; fileName: string; bytes: Uint8Array };
export type UploadBody = { ok: true; file: UploadedFile | null } | { ok: false; reason: "too_large" | "malformed" };

const CRLF_CRLF = Buffer.from("\r\n\r\n");

/** The boundary of a multipart/form-data Content-Type, or null. */
function boundaryOf(contentType: string | undefined): string | null {
  const match = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? "");
  return match ? (match[1] ?? match[2]!) : null;
}

async function readAll(body: ReadableStream<Uint8Array>, declared: number | null, maxBytes: number): Promise<Uint8Array | null> {
  let buffer = new Uint8Array(declared ?? 64 * 1024);
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length > maxBytes) {
      await reader.cancel();
      return null;
    }
    if (size + value.length > buffer.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(size + value.length, buffer.length * 2)));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(value, size);
    size += value.length;
  }
  return buffer.subarray(0, size);
}

/** The first file part of the body (field `fieldName`), as a view into the one buffer read. */
export async function readUploadedFile(request: Request, fieldName: string, maxBytes: number): Promise<UploadBody> {
  const declared = request.headers.get("Content-Length");
  const length = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null;
  if (length !== null && length > maxBytes) return { ok: false, reason: "too_large" };
  const boundary = boundaryOf(request.headers.get("Content-Type") ?? undefined);
  if (!boundary || !request.body) return { ok: false, reason: "malformed" };
  const bytes = await readAll(request.body, length, maxBytes);
  if (!bytes) return { ok: false, reason: "too_large" };
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  let at = all.indexOf(delimiter);
  while (at !== -1) {
    const headersStart = at + delimiter.length;
    if (all[headersStart] === 0x2d && all[headersStart + 1] === 0x2d) break; // "--": the closing delimiter
    const headersEnd = all.indexOf(CRLF_CRLF, headersStart);
    if (headersEnd === -1) return { ok: false, reason: "malformed" };
    const next = all.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd + 4);
    if (next === -1) return { ok: false, reason: "malformed" };
    const headers = all.subarray(headersStart, headersEnd).toString("utf8");
    const disposition = /content-disposition:\s*form-data\s*;([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name === fieldName && fileName !== undefined) {
      // Browsers send the name as UTF-8 with a double quote escaped as %22.
      return { ok: true, file: { fieldName: name, fileName: fileName.replace(/%22/g, '"'), bytes: bytes.subarray(headersEnd + 4, next) } };
    }
    at = next + 2;
  }
  return { ok: true, file: null };
}
