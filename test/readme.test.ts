// The README stays true: every setting src/config.ts reads is in its table, every npm script is
// named, and its layout names every folder and top-level file that exists.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { projectPath } from "../src/paths.js";

const readme = readFileSync(projectPath("README.md"), "utf8");
const layout = /## How it is laid out\n+```\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
const entries = (folder: string, kind: "file" | "folder" | "any" = "any") =>
  readdirSync(projectPath(folder), { withFileTypes: true })
    .filter((e) => !e.name.startsWith(".") && (kind === "any" || (kind === "folder") === e.isDirectory()))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));

describe("README", () => {
  it("documents every environment variable that src/config.ts reads", () => {
    const source = readFileSync(projectPath("src/config.ts"), "utf8");
    const names = [...new Set([...source.matchAll(/\(env, "([A-Z][A-Z0-9_]+)"/g)].map((m) => m[1]!))];
    expect(names.length).toBeGreaterThan(20);
    // A row of the configuration table: | `NAME` | (cells padded or not).
    expect(names.filter((name) => !new RegExp(`\\| \`${name}\` +\\|`).test(readme))).toEqual([]);
  });

  it("names every npm script", () => {
    const scripts = Object.keys((JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    expect(scripts.filter((name) => !readme.includes(`npm run ${name}`) && !readme.includes(`npm ${name}`))).toEqual([]);
  });

  it("lays out every top-level file and folder of src/, every folder of views/ and test/, every static file", () => {
    expect(layout).not.toBe("");
    const missing = [
      ...entries("src")
        .map((name) => `src/${name}`)
        .filter((path) => !layout.includes(path)),
      ...entries("views", "folder")
        .filter((name) => !layout.includes(name))
        .map((name) => `views/${name}`),
      ...entries("views", "file")
        .filter((name) => !layout.includes(name))
        .map((name) => `views/${name}`),
      ...entries("test")
        .filter((name) => !layout.includes(name))
        .map((name) => `test/${name}`),
      ...entries("static")
        .filter((name) => !layout.includes(name))
        .map((name) => `static/${name}`),
      ...entries("drizzle", "folder")
        .filter((name) => !layout.includes(name))
        .map((name) => `drizzle/${name}`),
    ];
    expect(missing).toEqual([]);
  });
});
