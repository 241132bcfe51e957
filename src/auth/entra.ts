// Sign in with Microsoft: the authorization URL (code + PKCE S256 + nonce), the code exchange
// (Arctic's OAuth2Client) and ID token validation (jose against the JWKS). Endpoints always come
// from the tenant's OpenID configuration (integrations/openid-metadata.ts).
import { timingSafeEqual } from "node:crypto";
import { CodeChallengeMethod, OAuth2Client, generateCodeVerifier, generateState } from "arctic";
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config.js";
import type { EntraIdentity } from "../domain/entra-identity.js";
import { describeFetchFailure, networkFailureOf } from "../error-causes.js";
import { isUuid, newToken } from "../ids.js";
import { discoverOpenIdMetadata, type OpenIdMetadata } from "../integrations/openid-metadata.js";

export type EntraConfig = NonNullable<Config["entra"]>;

export type SignInStart = { url: URL; state: string; nonce: string; codeVerifier: string };
export type SignInFinish = { ok: true; identity: EntraIdentity } | { ok: false; reason: string };

const SCOPES = ["openid", "profile", "email", "offline_access"];

const equalStrings = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class EntraSignIn {
  private readonly client: OAuth2Client;
  private jwks: { uri: string; set: ReturnType<typeof createRemoteJWKSet> } | null = null;

  constructor(
    private readonly entra: EntraConfig,
    redirectUri: string,
  ) {
    this.client = new OAuth2Client(entra.clientId, entra.clientSecret, redirectUri);
  }

  private metadata() {
    return discoverOpenIdMetadata(this.entra.authority, this.entra.tenantId);
  }

  /** `loginHint`: the address Microsoft should preselect (an invitation's invitee). */
  async start(options: { loginHint?: string } = {}): Promise<SignInStart> {
    const metadata = await this.metadata();
    const state = generateState();
    const codeVerifier = generateCodeVerifier();
    const nonce = newToken();
    const url = this.client.createAuthorizationURLWithPKCE(metadata.authorization_endpoint, state, CodeChallengeMethod.S256, codeVerifier, SCOPES);
    url.searchParams.set("nonce", nonce);
    url.searchParams.set("response_mode", "query");
    if (options.loginHint) {
      url.searchParams.set("login_hint", options.loginHint);
      // Someone else may be signed in to Microsoft in this browser: let them pick the invited account.
      url.searchParams.set("prompt", "select_account");
    }
    return { url, state, nonce, codeVerifier };
  }

  /** Exchanges the code and validates the ID token; any failure is a reason for the log, never for the page. */
  async finish(code: string, codeVerifier: string, expectedNonce: string): Promise<SignInFinish> {
    const metadata = await this.metadata();
    let idToken: string;
    try {
      const tokens = await this.client.validateAuthorizationCode(metadata.token_endpoint, code, codeVerifier);
      idToken = tokens.idToken();
    } catch (error) {
      return { ok: false, reason: `code exchange failed (${metadata.token_endpoint}): ${describeFetchFailure(error)}` };
    }
    return this.validateIdToken(idToken, metadata, expectedNonce);
  }

  private async validateIdToken(idToken: string, metadata: OpenIdMetadata, expectedNonce: string): Promise<SignInFinish> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(idToken);
    } catch {
      return { ok: false, reason: "the ID token is not a JWT" };
    }
    const tid = typeof unverified.tid === "string" ? unverified.tid : "";
    if (!isUuid(tid)) return { ok: false, reason: "the ID token has no tenant id (tid)" };
    // A multi-tenant discovery document has "{tenantid}" in its issuer: the token's tid fills it in.
    const issuer = metadata.issuer.replace("{tenantid}", () => tid);
    if (!issuer.includes(`/${tid}/`)) return { ok: false, reason: `the issuer ${issuer} does not belong to tenant ${tid}` };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.keySet(metadata.jwks_uri), {
        issuer,
        audience: this.entra.clientId,
        algorithms: ["RS256"],
        clockTolerance: 60,
        requiredClaims: ["exp", "iat", "tid", "oid", "nonce"],
      }));
    } catch (error) {
      if (networkFailureOf(error))
        return { ok: false, reason: `the signing keys at ${metadata.jwks_uri} could not be fetched: ${describeFetchFailure(error)}` };
      return { ok: false, reason: `the ID token is not valid: ${(error as Error).message}` };
    }
    if (typeof payload.nonce !== "string" || !equalStrings(payload.nonce, expectedNonce)) return { ok: false, reason: "the ID token nonce does not match" };
    if (typeof payload.oid !== "string" || !isUuid(payload.oid)) return { ok: false, reason: "the ID token has no object id (oid)" };
    const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
    return {
      ok: true,
      identity: {
        tenantId: tid.toLowerCase(),
        objectId: payload.oid.toLowerCase(),
        username: text(payload.preferred_username),
        email: text(payload.email),
        name: text(payload.name),
        roles: Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [],
      },
    };
  }

  private keySet(uri: string) {
    if (this.jwks?.uri !== uri) {
      this.jwks = { uri, set: createRemoteJWKSet(new URL(uri), { timeoutDuration: 10_000, cooldownDuration: 30_000, cacheMaxAge: 60 * 60 * 1000 }) };
    }
    return this.jwks.set;
  }
}
