// The parts of an Excel workbook (.xlsx: an Office Open XML package, a ZIP archive) that an upload
// needs: which part is the workbook ([Content_Types].xml), its first visible worksheet and the
// shared strings (the workbook's relationships). yauzl reads the archive from the uploaded bytes
// (random access through the central directory, so the order of the parts does not matter, and
// each part's size is checked against what the archive declares); saxes parses each XML part as
// it is inflated. Nothing is written to disk.
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { yieldToEventLoop } from "../event-loop.js";

const WORKBOOK_TYPES = new Set([
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
  "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
  "application/vnd.ms-excel.template.macroEnabled.main+xml",
]);
const BINARY_WORKBOOK = "application/vnd.ms-excel.sheet.binary.macroEnabled.main";

export type Workbook = { zip: ZipFile; sheet: Entry; sheetName: string; sharedStrings: Entry | null };
export type WorkbookProblem = "not_a_workbook" | "binary_workbook" | "unreadable";

/** Opens the archive and finds the parts; a ZIP that is not an .xlsx workbook answers what it is instead. */
export async function openWorkbook(bytes: Uint8Array): Promise<{ ok: true; workbook: Workbook } | { ok: false; problem: WorkbookProblem }> {
  let zip: ZipFile;
  const entries = new Map<string, Entry>();
  try {
    zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, decodeStrings: true }, (e, z) =>
        e ? reject(e) : resolve(z),
      ),
    );
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: Entry) => {
        entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on("end", () => resolve());
      zip.on("error", reject);
      zip.readEntry();
    });
  } catch {
    return { ok: false, problem: "unreadable" };
  }
  const found = await findParts(zip, entries).catch(() => "unreadable" as const);
  if (typeof found === "string") {
    zip.close();
    return { ok: false, problem: found };
  }
  return { ok: true, workbook: { zip, ...found } };
}

async function findParts(zip: ZipFile, entries: Map<string, Entry>): Promise<Omit<Workbook, "zip"> | WorkbookProblem> {
  const types = entries.get("[Content_Types].xml");
  if (!types) return "not_a_workbook";
  let workbookPath: string | null = null;
  let binary = false;
  await parseXml(zip, types, (tag) => {
    if (tag.name !== "Override") return;
    const type = tag.attributes.ContentType ?? "";
    if (WORKBOOK_TYPES.has(type)) workbookPath ??= (tag.attributes.PartName ?? "").replace(/^\//, "");
    if (type === BINARY_WORKBOOK) binary = true;
  });
  if (!workbookPath) return binary ? "binary_workbook" : "not_a_workbook";
  const workbook = entries.get(workbookPath);
  const base = posix.dirname(workbookPath);
  const relsEntry = entries.get(posix.join(base, "_rels", `${posix.basename(workbookPath)}.rels`));
  if (!workbook || !relsEntry) return "unreadable";
  const rels = new Map<string, { type: string; target: string }>();
  await parseXml(zip, relsEntry, (tag) => {
    if (tag.name !== "Relationship") return;
    const target = tag.attributes.Target ?? "";
    rels.set(tag.attributes.Id ?? "", { type: tag.attributes.Type ?? "", target: target.startsWith("/") ? target.slice(1) : posix.join(base, target) });
  });
  // The first sheet an admin sees: the first worksheet of the workbook's list that is not hidden.
  let sheet: { name: string; path: string } | null = null;
  await parseXml(zip, workbook, (tag) => {
    if (tag.name !== "sheet" || sheet) return;
    const relId = Object.entries(tag.attributes).find(([key]) => /(^|:)id$/.test(key) && key !== "sheetId")?.[1];
    const rel = relId ? rels.get(relId) : undefined;
    const hidden = tag.attributes.state === "hidden" || tag.attributes.state === "veryHidden";
    if (rel?.type.endsWith("/worksheet") && !hidden) sheet = { name: tag.attributes.name ?? "", path: rel.target };
  });
  const chosen = sheet as { name: string; path: string } | null;
  const sheetEntry = chosen ? entries.get(chosen.path) : undefined;
  if (!chosen || !sheetEntry) return "unreadable";
  const strings = [...rels.values()].find((r) => r.type.endsWith("/sharedStrings"));
  return { sheet: sheetEntry, sheetName: chosen.name, sharedStrings: strings ? (entries.get(strings.target) ?? null) : null };
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (e, stream) => (e ? reject(e) : resolve(stream))));
}

export type XmlHandlers = { open?: (tag: SaxesTagPlain) => void; close?: (name: string) => void; text?: (text: string) => void; stop?: () => boolean };

/** Parses one part as it is inflated, yielding to the event loop between pieces; `open` alone when given a function. */
export async function parseXml(zip: ZipFile, entry: Entry, handlers: XmlHandlers | ((tag: SaxesTagPlain) => void)): Promise<void> {
  const h = typeof handlers === "function" ? { open: handlers } : handlers;
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  if (h.open) parser.on("opentag", h.open);
  if (h.close) parser.on("closetag", (tag) => h.close!(tag.name));
  if (h.text) parser.on("text", h.text);
  const decoder = new TextDecoder("utf-8");
  const stream = await openEntry(zip, entry);
  try {
    for await (const chunk of stream) {
      parser.write(decoder.decode(chunk as Buffer, { stream: true }));
      if (h.stop?.()) return;
      await yieldToEventLoop();
    }
    parser.write(decoder.decode());
    parser.close();
  } finally {
    stream.destroy();
  }
}
