// The house's arrows (STYLE.md, "The house"), checked by `npm run lint` (and so by `npm test` and
// CI): routes and jobs -> domain and auth -> db and integrations; views are drawn by routes (and
// emails by the domain). Rules name folders, not files, so a new file is checked where it lands.
// Type-only imports count as arrows too (tsPreCompilationDeps), except where a rule says so.

/** The top of the house: entry points and the app they start. */
const ENTRY_POINTS = "^src/(app|server|server-process|cluster-primary|start-up)\\.ts$|^src/(cli|demo)/";
/** What a request handler reaches (Deps, AppEnv): for routes, guards, views/respond.tsx and workers. */
const REQUEST_CONTEXT = "^src/context\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment:
        "Two modules that import each other cannot be read, tested or moved one at a time. Move what both need " +
        "into a third module (a type file is fine, as src/domain/member-counts.ts).",
      severity: "error",
      from: { path: "^(src|views)/" },
      to: { circular: true },
    },
    {
      name: "domain-sees-no-http-or-jobs",
      comment:
        "The domain is (db, actor, input) -> data, called alike by routes, jobs and commands: it never imports " +
        "routes, auth, jobs, the request context, the app or an entry point. What both sides need moves down " +
        "(src/db/leases.ts) or into the domain (the Entra identity type).",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: `^src/(routes|auth|jobs)/|${ENTRY_POINTS}|${REQUEST_CONTEXT}` },
    },
    {
      name: "domain-no-hono",
      comment: "The domain never sees a Hono Context or request: a route parses the input and passes plain values.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "(^|/)node_modules/hono/" },
    },
    {
      name: "domain-draws-emails-only",
      comment:
        "The domain renders emails when they are queued or resent (from current data), so it may import " + "views/emails/; pages are the routes' to draw.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^views/", pathNot: "^views/emails/" },
    },
    {
      name: "auth-sees-no-routes",
      comment:
        "Guards run before every route: they answer (403, 429) with views (views/respond.tsx), never through a " + "route module, and know nothing of jobs.",
      severity: "error",
      from: { path: "^src/auth/" },
      to: { path: `^src/(routes|jobs)/|${ENTRY_POINTS}` },
    },
    {
      name: "routes-import-no-route",
      comment:
        "Each file in src/routes/ is one resource, mounted once by app.ts. What two of them need lives in " +
        "src/routes/shared/ (or lower), so a resource can change without reaching into another.",
      severity: "error",
      from: { path: "^src/routes/[^/]+$" },
      to: { path: "^src/routes/[^/]+$" },
    },
    {
      name: "route-helpers-import-no-route",
      comment: "src/routes/shared/ is below the resources that use it: it never imports one of them.",
      severity: "error",
      from: { path: "^src/routes/shared/" },
      to: { path: "^src/routes/[^/]+$" },
    },
    {
      name: "routes-and-jobs-apart",
      comment: "Routes and jobs are the top layer side by side: a route wakes a worker through deps.wake, and a job " + "never answers a request.",
      severity: "error",
      from: { path: "^src/(routes|jobs)/" },
      // Within one folder the rules above decide.
      to: { path: "^src/(routes|jobs)/", pathNot: "^src/$1/" },
    },
    {
      name: "views-and-routes-take-types-from-db",
      comment:
        "Views never query and routes never touch tables: from src/db they may name a row's type (import type), " +
        "never import the client, the schema's tables or a statement.",
      severity: "error",
      from: { path: "^(views|src/routes)/" },
      to: { path: "^src/db/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "views-take-types-from-auth",
      comment: "A view draws what it is given: the session arrives as a prop, so views import only auth's types.",
      severity: "error",
      from: { path: "^views/" },
      to: { path: "^src/auth/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "views-sit-below-routes",
      comment: "Routes draw views, not the other way round; views never call a job, an integration or an entry point.",
      severity: "error",
      from: { path: "^views/" },
      to: { path: `^src/(routes|jobs|integrations)/|${ENTRY_POINTS}` },
    },
    {
      name: "db-imports-nothing-above",
      comment: "The database layer is the bottom of the house: everything may use it, it uses nothing of ours above it.",
      severity: "error",
      from: { path: "^src/db/" },
      to: { path: `^src/(auth|domain|routes|jobs|integrations)/|^views/|${ENTRY_POINTS}|${REQUEST_CONTEXT}` },
    },
    {
      name: "integrations-import-nothing-above",
      comment: "Integrations talk to the outside world (Graph, Resend, Entra's discovery) and know nothing of the " + "layers that call them.",
      severity: "error",
      from: { path: "^src/integrations/" },
      to: { path: `^src/(auth|domain|routes|jobs)/|^views/|${ENTRY_POINTS}|${REQUEST_CONTEXT}` },
    },
    {
      name: "runtime-needs-no-dev-dependency",
      comment: "Production installs with `npm ci --omit=dev` (README): code under src/ and views/ may import a " + "devDependency's types, never its code.",
      severity: "error",
      from: { path: "^(src|views)/" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "declared-dependencies-only",
      comment:
        "Every package src/, views/ and test/ load is declared in package.json (a transitive install can " +
        "disappear with the package that brought it): add it to dependencies, at the version in package-lock.json.",
      severity: "error",
      from: { path: "^(src|views|test)/" },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "tests-import-no-bench",
      comment:
        "test/bench/ holds the benchmarks only: what a test and a benchmark share (child servers, seeded " +
        "organizations, import files, load runs) lives in test/support/, so a benchmark can change without a test.",
      severity: "error",
      from: { path: "^test/", pathNot: "^test/bench/" },
      to: { path: "^test/bench/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
