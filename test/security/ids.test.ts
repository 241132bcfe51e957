// One check for ids: ours are UUIDs in the lower case newId writes, so anything else (another
// case, junk, a near miss) names nothing of ours and is refused before any query; Microsoft's
// tenant and object ids are GUIDs in either case.
import { describe, expect, it } from "vitest";
import { isOurId, isUuid, newId } from "../../src/ids.js";

describe("ids", () => {
  it("takes ours as newId writes them, and nothing else", () => {
    const id = newId();
    expect(isOurId(id)).toBe(true);
    for (const other of [id.toUpperCase(), `${id} `, id.slice(1), `${id}0`, id.replaceAll("-", ""), "", "../etc/passwd", `${id}\n`, "x".repeat(10_000)]) {
      expect(isOurId(other), other.slice(0, 50)).toBe(false);
    }
  });

  it("takes a Microsoft GUID in either case", () => {
    expect(isUuid("72F988BF-86F1-41AF-91AB-2D7CD011DB47")).toBe(true);
    expect(isUuid("72f988bf-86f1-41af-91ab-2d7cd011db47")).toBe(true);
    expect(isUuid("72f988bf-86f1-41af-91ab-2d7cd011db4")).toBe(false);
  });
});
