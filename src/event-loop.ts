// Long work (a big CSV, a bulk invite, a directory sync) runs in short synchronous stretches and
// lets waiting requests in between them.

/** Resolves after the requests and I/O already waiting have had their turn. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `work` on parts of `items` (`size` at most), in order, yielding to the event loop between them. */
export async function inParts<T>(items: T[], size: number, work: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await yieldToEventLoop();
    await work(items.slice(i, i + size));
  }
}
