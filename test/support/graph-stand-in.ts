// A Microsoft Graph stand-in on 127.0.0.1: a client-credentials token endpoint,
// GET /v1.0/groups/delta and transitiveMembers (graph-groups-stand-in.ts), and
// GET /v1.0/users/delta with Graph's paging (@odata.nextLink, then @odata.deltaLink), page
// size from `Prefer: odata.maxpagesize`, `@removed` entries, expired delta links (400
// syncStateNotFound) and injected failures (429 with Retry-After, 5xx).
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGroupsStandIn, type GroupsStandIn } from "./graph-groups-stand-in.js";

export type StandInUser = {
  id: string;
  mail: string | null;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
};

export type GraphRequest = { path: string; query: URLSearchParams; prefer: string | undefined; authorization: string | undefined; status: number };

export type GraphStandIn = {
  /** GRAPH_BASE_URL: http://127.0.0.1:<port>/v1.0 */
  baseUrl: string;
  /** GRAPH_TOKEN_URL (client credentials for client id "graph-client", secret "graph-secret"). */
  tokenUrl: string;
  /** An ENTRA_AUTHORITY whose discovery documents point at this stand-in's token endpoint. */
  authority: string;
  users: Map<string, StandInUser>;
  /** The directory's groups: add, change and remove them and their members. */
  groups: GroupsStandIn;
  /** Requests to /users/delta (groups requests are in groups.requests). */
  requests: GraphRequest[];
  tokenRequests: URLSearchParams[];
  /** The tenant in each token request's path. */
  tokenTenants: string[];
  addUsers(users: StandInUser[]): void;
  updateUser(id: string, patch: Partial<Omit<StandInUser, "id">>): void;
  removeUser(id: string, reason?: "changed" | "deleted"): void;
  /** The next `count` delta requests (after `afterRequests` good ones) answer `status`, with Retry-After when given. */
  failNext(count: number, status: number, retryAfterSeconds?: number, afterRequests?: number): void;
  /** Forgets injected failures not yet served. */
  clearFailures(): void;
  /** Every delta link issued so far stops working (as after 7 days). */
  expireDeltaLinks(): void;
  stop(): Promise<void>;
};

export const GRAPH_CLIENT = { id: "graph-client", secret: "graph-secret" };

/** n people of a made-up company: user00001@fabrikam.test … */
export function makeUsers(n: number, from = 1): StandInUser[] {
  return Array.from({ length: n }, (_, i) => {
    const k = String(from + i).padStart(6, "0");
    return {
      id: randomUUID(),
      mail: `user${k}@fabrikam.test`,
      userPrincipalName: `user${k}@fabrikam.test`,
      displayName: `User ${k} Example`,
      givenName: `User${k}`,
      surname: "Example",
      jobTitle: "Engineer",
      department: "R&D",
      accountEnabled: true,
    };
  });
}

type Round = { items: string[]; endSeq: number };

export async function startGraphStandIn(): Promise<GraphStandIn> {
  const users = new Map<string, StandInUser>();
  const removed = new Map<string, string>();
  const log: { seq: number; id: string }[] = [];
  const rounds = new Map<string, Round>();
  const tokens = new Set<string>();
  const failures: ({ status: number; retryAfter?: number } | null)[] = [];
  let seq = 0;
  let linkEpoch = 0;
  let origin = "";
  const requests: GraphRequest[] = [];
  const tokenRequests: URLSearchParams[] = [];
  const tokenTenants: string[] = [];
  const touch = (id: string) => log.push({ seq: ++seq, id });
  const groups = createGroupsStandIn({ json: (res, status, body) => json(res, status, body), origin: () => origin, epoch: () => linkEpoch });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  /** A round lists the ids to send, fixed when it starts; their state is read when each page is served. */
  const startRound = (sinceSeq: number | null): string => {
    let items: string[];
    if (sinceSeq === null) items = [...users.keys()];
    else {
      const changed = new Set<string>();
      for (const entry of log) if (entry.seq > sinceSeq) changed.add(entry.id);
      items = [...changed];
    }
    const id = randomBytes(8).toString("hex");
    rounds.set(id, { items, endSeq: seq });
    return id;
  };

  const servePage = (res: ServerResponse, roundId: string, offset: number, pageSize: number) => {
    const round = rounds.get(roundId);
    if (!round) return json(res, 400, { error: { code: "badRequest", message: "Unknown skip token" } });
    const slice = round.items.slice(offset, offset + pageSize);
    const value = slice.map((id) => users.get(id) ?? { id, "@removed": { reason: removed.get(id) ?? "deleted" } });
    const base = `${origin}/v1.0/users/delta`;
    const link =
      offset + pageSize < round.items.length
        ? { "@odata.nextLink": `${base}?$skiptoken=${roundId}.${offset + pageSize}` }
        : { "@odata.deltaLink": `${base}?$deltatoken=${linkEpoch}.${round.endSeq}` };
    json(res, 200, { "@odata.context": `${origin}/v1.0/$metadata#users`, value, ...link });
  };

  const handleDelta = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const auth = req.headers.authorization;
    if (!auth?.startsWith("Bearer ") || !tokens.has(auth.slice(7))) {
      return json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "Access token is empty or invalid." } });
    }
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { "Retry-After": String(failure.retryAfter) } : {};
      return json(
        res,
        failure.status,
        { error: { code: failure.status === 429 ? "TooManyRequests" : "serviceUnavailable", message: "Injected failure" } },
        headers,
      );
    }
    const maxPage = /odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ""));
    const pageSize = Math.min(999, maxPage ? Number(maxPage[1]) : 100);
    const skip = url.searchParams.get("$skiptoken");
    const delta = url.searchParams.get("$deltatoken");
    if (skip) {
      const [roundId, offset] = skip.split(".");
      return servePage(res, roundId!, Number(offset), pageSize);
    }
    if (delta) {
      const [epoch, since] = delta.split(".").map(Number);
      if (epoch !== linkEpoch) {
        return json(res, 400, {
          error: {
            code: "syncStateNotFound",
            message: "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
          },
        });
      }
      return servePage(res, startRound(since!), 0, pageSize);
    }
    return servePage(res, startRound(null), 0, pageSize);
  };

  const handleToken = async (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    tokenRequests.push(form);
    if (form.get("grant_type") !== "client_credentials") return json(res, 400, { error: "unsupported_grant_type" });
    if (form.get("client_id") !== GRAPH_CLIENT.id || form.get("client_secret") !== GRAPH_CLIENT.secret) {
      return json(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
    }
    const token = randomBytes(24).toString("base64url");
    tokens.add(token);
    json(res, 200, { token_type: "Bearer", expires_in: 3599, access_token: token });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const record = (status: number) =>
      requests.push({
        path: url.pathname,
        query: url.searchParams,
        prefer: req.headers.prefer,
        authorization: req.headers.authorization,
        status,
      } as GraphRequest);
    res.on("finish", () => url.pathname.endsWith("/users/delta") && record(res.statusCode));
    if (req.method === "POST" && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      tokenTenants.push(decodeURIComponent(url.pathname.split("/")[1]!));
      return void handleToken(req, res);
    }
    if (req.method === "GET" && url.pathname === "/v1.0/users/delta") return handleDelta(req, res, url);
    if (req.method === "GET" && url.pathname.startsWith("/v1.0/groups/")) {
      const auth = req.headers.authorization;
      if (!auth?.startsWith("Bearer ") || !tokens.has(auth.slice(7))) {
        return json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "Access token is empty or invalid." } });
      }
      if (groups.handle(req, res, url)) return;
    }
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (discovery) {
      const tenant = discovery[1]!;
      return json(res, 200, {
        issuer: `${origin}/${tenant}/v2.0`,
        authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
        jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      });
    }
    json(res, 404, { error: { code: "ResourceNotFound", message: "Not found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl: `${origin}/v1.0`,
    tokenUrl: `${origin}/{tenantId}/oauth2/v2.0/token`,
    authority: origin,
    users,
    groups,
    requests,
    tokenRequests,
    tokenTenants,
    addUsers(list) {
      for (const user of list) {
        users.set(user.id, { ...user });
        removed.delete(user.id);
        touch(user.id);
      }
    },
    updateUser(id, patch) {
      const user = users.get(id);
      if (!user) throw new Error(`no user ${id}`);
      users.set(id, { ...user, ...patch });
      touch(id);
    },
    removeUser(id, reason = "changed") {
      users.delete(id);
      removed.set(id, reason);
      touch(id);
    },
    failNext(count, status, retryAfterSeconds, afterRequests = 0) {
      for (let i = 0; i < afterRequests; i++) failures.push(null);
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter: retryAfterSeconds });
    },
    clearFailures() {
      failures.length = 0;
    },
    expireDeltaLinks() {
      linkEpoch++;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
