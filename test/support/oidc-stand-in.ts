// An Entra-shaped OpenID provider on 127.0.0.1, wrapping oauth2-mock-server v8 (its real
// authorize/token/JWKS handlers, PKCE checks and RS256 signing). What it adds is Entra's
// URL layout — /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/…,
// an issuer of /{tid}/v2.0 ("{tenantid}" for organizations/common) — and Entra's claims
// (tid, oid, roles, preferred_username, name, email) on the ID token.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, type JWTPayload } from "jose";
import { OAuth2Issuer, OAuth2Service, type MutableToken } from "oauth2-mock-server";

export type EntraUser = {
  tid: string;
  oid: string;
  preferred_username: string;
  name: string;
  email?: string;
  roles?: string[];
};

export type OidcStandIn = {
  /** ENTRA_AUTHORITY for the app: http://127.0.0.1:<port> */
  authority: string;
  tenantId: string;
  /** The person the next sign-in signs in as. */
  user: EntraUser;
  /** Changes the next ID token's claims (after Entra's claims are added). */
  tamperNextIdToken(fn: (payload: Record<string, unknown>) => void): void;
  /** Re-signs the next ID token with a key that is not in the JWKS (same kid). */
  signNextIdTokenWithForeignKey(): void;
  /** Token requests seen (form bodies), newest last. */
  tokenRequests: Record<string, string>[];
  stop(): Promise<void>;
};

const ROUTES: [RegExp, string][] = [
  [/^\/[^/]+\/oauth2\/v2\.0\/authorize$/, "/authorize"],
  [/^\/[^/]+\/oauth2\/v2\.0\/token$/, "/token"],
  [/^\/[^/]+\/discovery\/v2\.0\/keys$/, "/jwks"],
];

export async function startOidcStandIn(options: { tenantId?: string } = {}): Promise<OidcStandIn> {
  const tenantId = options.tenantId ?? randomUUID();
  const issuer = new OAuth2Issuer();
  await issuer.keys.generate("RS256");
  const service = new OAuth2Service(issuer);
  let origin = "";
  let tamper: ((payload: Record<string, unknown>) => void) | null = null;
  let foreignKey = false;
  const tokenRequests: Record<string, string>[] = [];

  const standIn: OidcStandIn = {
    authority: "",
    tenantId,
    user: { tid: tenantId, oid: randomUUID(), preferred_username: "admin@contoso.test", name: "Ada Admin", roles: [] },
    tamperNextIdToken: (fn) => void (tamper = fn),
    signNextIdTokenWithForeignKey: () => void (foreignKey = true),
    tokenRequests,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };

  // The mock signs two tokens per code exchange; the ID token is the one without a scope.
  service.on("beforeTokenSigning", (token: MutableToken, req: IncomingMessage & { body?: Record<string, string> }) => {
    if ("scope" in token.payload) return;
    const u = standIn.user;
    Object.assign(token.payload, {
      iss: `${origin}/${u.tid}/v2.0`,
      tid: u.tid,
      oid: u.oid,
      sub: `sub-${u.oid}`,
      ver: "2.0",
      preferred_username: u.preferred_username,
      name: u.name,
      ...(u.email ? { email: u.email } : {}),
      ...(u.roles ? { roles: u.roles } : {}),
    });
    if (req.body) tokenRequests.push({ ...req.body });
    tamper?.(token.payload as Record<string, unknown>);
    tamper = null;
  });
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", origin);
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (discovery) {
      const segment = discovery[1]!;
      const guid = /^[0-9a-f-]{36}$/i.test(segment);
      res.setHeader("Content-Type", "application/json");
      res.end(
        JSON.stringify({
          issuer: `${origin}/${guid ? segment : "{tenantid}"}/v2.0`,
          authorization_endpoint: `${origin}/${segment}/oauth2/v2.0/authorize`,
          token_endpoint: `${origin}/${segment}/oauth2/v2.0/token`,
          jwks_uri: `${origin}/${segment}/discovery/v2.0/keys`,
          response_types_supported: ["code", "id_token", "code id_token"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
        }),
      );
      return;
    }
    const route = ROUTES.find(([pattern]) => pattern.test(url.pathname));
    if (!route) {
      res.statusCode = 404;
      res.end();
      return;
    }
    req.url = route[1] + url.search;
    if (route[1] === "/token" && foreignKey) {
      foreignKey = false;
      replaceIdTokenInResponse(res, resignWithForeignKey);
    }
    (service.requestHandler as (req: IncomingMessage, res: ServerResponse) => void)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.url = origin;
  standIn.authority = origin;
  return standIn;
}

/** The same header and claims, signed by a fresh key the provider never published. */
async function resignWithForeignKey(idToken: string): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const payload = decodeJwt(idToken) as JWTPayload;
  const { privateKey } = await generateKeyPair("RS256");
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: header.kid! }).sign(privateKey);
}

/** The mock's token response is written synchronously; hold its end() until the ID token is swapped. */
function replaceIdTokenInResponse(res: ServerResponse, swap: (idToken: string) => Promise<string>) {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    void (async () => {
      const body = JSON.parse(String(chunk)) as Record<string, string>;
      if (body.id_token) body.id_token = await swap(body.id_token);
      const text = JSON.stringify(body);
      res.setHeader("Content-Length", Buffer.byteLength(text));
      end(text);
    })();
    return res;
  }) as typeof res.end;
}
