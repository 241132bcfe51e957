// Route tests over real HTTP: the test app served by @hono/node-server on a free 127.0.0.1 port
// (PUBLIC_URL is that address), and raw requests through node:http, which send what a browser or
// an attacker would (any Host header, chunked bodies of any length) and watch the answer arrive.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createTestApp, type TestApp } from "./app.js";

export type ServedApp = { t: TestApp; url: string; port: number; close(): Promise<void> };

/** The test app (createTestApp's options) on a free port; `env` may not set PUBLIC_URL, it is the server's address. */
export async function serveTestApp(options: Parameters<typeof createTestApp>[0] = {}): Promise<ServedApp> {
  let handler: ((request: Request, env: unknown) => Response | Promise<Response>) | undefined;
  let server: ServerType | undefined;
  const port: number = await new Promise((resolve) => {
    server = serve({ fetch: (request, env) => handler!(request, env), port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve(info.port));
  });
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ ...options, env: { PUBLIC_URL: url, ...options.env } });
  handler = (request, env) => t.app.fetch(request, env);
  return {
    t,
    url,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        (server as unknown as { closeAllConnections?(): void }).closeAllConnections?.();
      });
      t.close();
    },
  };
}

export type RawAnswer = {
  status: number;
  headers: IncomingHttpHeaders;
  body: string /** Body bytes written before the answer's head arrived. */;
  sentBeforeAnswer: number;
};

/**
 * One request over a fresh connection. `body`: a string, or `chunks` (a chunked body) written one
 * at a time, waiting for the socket to drain, until the answer's head arrives or all are sent.
 */
export function rawRequest(
  port: number,
  input: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    chunks?: { size: number; count: number };
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let sentBeforeAnswer = 0;
    const req = httpRequest({ host: "127.0.0.1", port, method: input.method ?? "GET", path: input.path, headers: input.headers, agent: false }, (res) => {
      answered = true;
      sentBeforeAnswer = sent;
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString("utf8"), sentBeforeAnswer }));
      res.on("error", reject);
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    if (input.body !== undefined) {
      req.end(input.body);
      return;
    }
    if (!input.chunks) {
      req.end();
      return;
    }
    const chunk = Buffer.alloc(input.chunks.size, "a");
    const pump = async () => {
      for (let i = 0; i < input.chunks!.count && !answered && !req.destroyed; i++) {
        sent += chunk.length;
        if (!req.write(chunk))
          await new Promise((r) => {
            req.once("drain", r);
            req.once("close", r);
          });
      }
      if (!req.destroyed) req.end();
    };
    pump().catch(() => undefined);
  });
}
