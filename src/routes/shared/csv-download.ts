// A CSV download streamed from pages of rows: the header first, then each page as it is read.
// Pulled page by page, so a slow client holds back the reading instead of filling memory, and a
// client that goes away stops it. A failure mid-way is logged and ends the download with an
// error (the browser shows it as failed) rather than a truncated file that looks complete.
import type { Context } from "hono";
import type { AppEnv } from "../../context.js";

export function csvDownload<T>(
  c: Context<AppEnv>,
  input: {
    fileName: string;
    header: string;
    pages: AsyncGenerator<T[], unknown, undefined>;
    line: (row: T) => string;
    what: string;
  },
) {
  const { logger } = c.get("deps");
  const reqId = c.get("requestId");
  const encoder = new TextEncoder();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(input.header));
          return;
        }
        const next = await input.pages.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map(input.line).join("")));
      } catch (err) {
        logger.error({ reqId, err: { message: (err as Error).message } }, `${input.what} failed`);
        controller.error(err);
      }
    },
    async cancel() {
      await input.pages.return(undefined);
    },
  });
  return c.body(body, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${input.fileName}"`,
    "Cache-Control": "no-store",
  });
}
