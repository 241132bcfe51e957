// The tenant's OpenID configuration (Entra's OIDC discovery document): sign-in reads its
// endpoints and keys, the directory sync its token endpoint. Always fetched from
// `${authority}/${tenant}/v2.0/.well-known/openid-configuration`.
import { describeFetchFailure } from "../error-causes.js";

export type OpenIdMetadata = { issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri: string };

const DISCOVERY_TTL_MS = 60 * 60 * 1000;

const metadataCache = new Map<string, { at: number; value: Promise<OpenIdMetadata> }>();

/** The tenant's OpenID configuration, cached for an hour per URL (a failed fetch is not cached). */
export function discoverOpenIdMetadata(authority: string, tenant: string): Promise<OpenIdMetadata> {
  const url = `${authority.replace(/\/+$/, "")}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  const cached = metadataCache.get(url);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.value;
  const value = fetchMetadata(url);
  metadataCache.set(url, { at: Date.now(), value });
  value.catch(() => metadataCache.delete(url));
  return value;
}

/** Every failure names the URL and the cause: fetch's own "fetch failed" says neither. */
async function fetchMetadata(url: string): Promise<OpenIdMetadata> {
  let response: Response;
  let doc: Partial<OpenIdMetadata>;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`OpenID configuration at ${url} could not be fetched: ${describeFetchFailure(error)}`);
  }
  if (!response.ok) throw new Error(`OpenID configuration at ${url} answered ${response.status}`);
  try {
    doc = (await response.json()) as Partial<OpenIdMetadata>;
  } catch (error) {
    throw new Error(`OpenID configuration at ${url} is not JSON: ${describeFetchFailure(error)}`);
  }
  for (const key of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (typeof doc[key] !== "string") throw new Error(`OpenID configuration at ${url} has no ${key}`);
  }
  return doc as OpenIdMetadata;
}
