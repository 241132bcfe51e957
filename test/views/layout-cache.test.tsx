// The app shell is kept once rendered (views/layout.tsx), keyed on everything it shows. Whatever
// pages were drawn before, a page gets exactly the shell a first render would draw for it: no
// one sees another person's name, organization, navigation or banner from the cache.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { SessionIdentity } from "../../src/auth/session.js";
import type { Shell } from "../../views/layout.js";

type Page = { title: string; shell: Shell };
type LayoutComponent = typeof import("../../views/layout.js").Layout;

// Few values, so that sequences repeat them and differ in one field at a time.
const name = fc.constantFrom("", "Alex Admin", "Casey <b>&", "Alex Admin ");
const session: fc.Arbitrary<SessionIdentity> = fc.record({
  sessionId: fc.constant("s"),
  expiresAt: fc.constant(new Date(0)),
  roles: fc.constant([]),
  isAdmin: fc.boolean(),
  person: fc.record({ id: fc.constantFrom("p1", "p2"), displayName: name, email: fc.constantFrom("alex@contoso.example", "casey@contoso.example") }),
  org: fc.record({ id: fc.constantFrom("o1", "o2"), name: fc.constantFrom("Contoso", "Fabrikam", "Contoso ") }),
});
const page: fc.Arbitrary<Page> = fc.record({
  title: fc.constantFrom("Users", "Settings", "A & <B>"),
  shell: fc.record({
    localMode: fc.boolean(),
    mailHeld: fc.boolean(),
    session: fc.option(session, { nil: null }),
    active: fc.constantFrom(undefined, "users", "settings", "activity", "outbox"),
  }),
});

const render = (Layout: LayoutComponent, { title, shell }: Page) =>
  String(
    <Layout title={title} shell={shell}>
      <p>the page</p>
    </Layout>,
  );

/** The layout module as a new process loads it: nothing kept yet. */
async function freshLayout(): Promise<LayoutComponent> {
  vi.resetModules();
  return (await import("../../views/layout.js")).Layout;
}

describe("the kept app shell", () => {
  it("is the shell a first render draws for the page, whatever pages came before", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(page, { minLength: 2, maxLength: 6 }), async (pages) => {
        const kept = await freshLayout();
        for (const p of pages) render(kept, p);
        for (const p of pages) expect(render(kept, p)).toBe(render(await freshLayout(), p));
      }),
      { numRuns: 150 },
    );
  });
});
