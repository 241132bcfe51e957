// Long work (a big CSV, a bulk invite, a directory sync) runs in short synchronous stretches and
// lets waiting requests in between them.

/** Resolves after the requests and I/O already waiting have had their turn. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
