// Our own static files and the two vendored ones (htmx, Pico CSS) served from node_modules:
// no CDN. Read once at start-up, served from memory with an ETag.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import type { AppEnv } from "../context.js";
import { projectPath } from "../paths.js";

const files: Record<string, { path: string; type: string }> = {
  "app.css": { path: "static/app.css", type: "text/css; charset=utf-8" },
  "favicon.svg": { path: "static/favicon.svg", type: "image/svg+xml" },
  "app.js": { path: "static/app.js", type: "text/javascript; charset=utf-8" },
  "invite.css": { path: "static/invite.css", type: "text/css; charset=utf-8" },
  "invite.js": { path: "static/invite.js", type: "text/javascript; charset=utf-8" },
  "htmx.min.js": { path: "node_modules/htmx.org/dist/htmx.min.js", type: "text/javascript; charset=utf-8" },
  "pico.min.css": { path: "node_modules/@picocss/pico/css/pico.min.css", type: "text/css; charset=utf-8" },
};

type Loaded = { body: Buffer; type: string; etag: string };
const cache = new Map<string, Loaded>();

function load(name: string): Loaded | undefined {
  const file = files[name];
  if (!file) return undefined;
  let loaded = cache.get(name);
  if (!loaded) {
    const body = readFileSync(projectPath(file.path));
    loaded = { body, type: file.type, etag: `"${createHash("sha1").update(body).digest("base64url")}"` };
    cache.set(name, loaded);
  }
  return loaded;
}

export function staticRoutes() {
  return new Hono<AppEnv>().get("/:name", (c) => {
    const file = load(c.req.param("name"));
    if (!file) return c.notFound();
    c.header("ETag", file.etag);
    c.header("Cache-Control", "public, max-age=300, must-revalidate");
    if (c.req.header("If-None-Match") === file.etag) return c.body(null, 304);
    c.header("Content-Type", file.type);
    return c.body(new Uint8Array(file.body));
  });
}
