// EntraSignIn and the identity it yields, against the Entra-shaped OpenID stand-in on 127.0.0.1.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EntraSignIn, type EntraConfig } from "../../src/auth/entra.js";
import { discoverOpenIdMetadata } from "../../src/integrations/openid-metadata.js";
import { sessionRolesFor } from "../../src/domain/entra-identity.js";
import { createTestApp } from "../support/app.js";
import { startOidcStandIn, type OidcStandIn } from "../support/oidc-stand-in.js";

let idp: OidcStandIn;
beforeAll(async () => {
  idp = await startOidcStandIn();
});
afterAll(async () => idp.stop());

const entraConfig = (over: Partial<EntraConfig> = {}): EntraConfig => ({
  clientId: "app-id",
  clientSecret: "secret",
  tenantId: idp.tenantId,
  authority: idp.authority,
  adminRole: "BusinessAdministrator",
  ...over,
});

/** Runs the provider's authorize step for a started sign-in and answers the code it sends back. */
async function codeFor(url: URL): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  return new URL(response.headers.get("location")!).searchParams.get("code")!;
}

describe("EntraSignIn", () => {
  it("discovers the endpoints from the tenant's OpenID configuration", async () => {
    const metadata = await discoverOpenIdMetadata(idp.authority, idp.tenantId);
    expect(metadata).toMatchObject({
      issuer: `${idp.authority}/${idp.tenantId}/v2.0`,
      token_endpoint: `${idp.authority}/${idp.tenantId}/oauth2/v2.0/token`,
      jwks_uri: `${idp.authority}/${idp.tenantId}/discovery/v2.0/keys`,
    });
  });

  it("yields the identity from a valid ID token: tid, oid, name, username, email, roles", async () => {
    const oid = randomUUID();
    idp.user = {
      tid: idp.tenantId,
      oid,
      preferred_username: "ada@contoso.test",
      name: "Ada Lovelace",
      email: "Ada@Contoso.test",
      roles: ["BusinessAdministrator", "Other"],
    };
    const signIn = new EntraSignIn(entraConfig(), "http://localhost:3000/login/entra/callback");
    const start = await signIn.start();
    const result = await signIn.finish(await codeFor(start.url), start.codeVerifier, start.nonce);
    expect(result).toEqual({
      ok: true,
      identity: {
        tenantId: idp.tenantId,
        objectId: oid,
        username: "ada@contoso.test",
        email: "Ada@Contoso.test",
        name: "Ada Lovelace",
        roles: ["BusinessAdministrator", "Other"],
      },
    });
  });

  it("refuses a code redeemed with another PKCE verifier", async () => {
    const signIn = new EntraSignIn(entraConfig(), "http://localhost:3000/login/entra/callback");
    const start = await signIn.start();
    const other = await signIn.start();
    const result = await signIn.finish(await codeFor(start.url), other.codeVerifier, start.nonce);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/code exchange failed/) });
  });
});

describe("session roles", () => {
  it("only the configured app role makes an admin; a role literally named admin does not", () => {
    expect(sessionRolesFor({ roles: ["BusinessAdministrator"] }, "BusinessAdministrator")).toEqual(["admin"]);
    expect(sessionRolesFor({ roles: ["admin", "Admin"] }, "BusinessAdministrator")).toEqual([]);
    expect(sessionRolesFor({ roles: [] }, "BusinessAdministrator")).toEqual([]);
  });
});

describe("when the provider cannot be reached", () => {
  it("GET /login/entra answers a 502 page, not a stack trace", async () => {
    const down = createServer((_req, res) => {
      res.statusCode = 503;
      res.end("down");
    });
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const authority = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
    const t = await createTestApp({ env: { ENTRA_CLIENT_ID: "app-id", ENTRA_CLIENT_SECRET: "x", ENTRA_TENANT_ID: idp.tenantId, ENTRA_AUTHORITY: authority } });
    try {
      const response = await t.get("/login/entra");
      expect(response.status).toBe(502);
      const html = await response.text();
      expect(html).toContain("Microsoft sign-in is not reachable right now");
      expect(html).not.toContain("OpenID configuration");
    } finally {
      t.close();
      down.close();
    }
  });
});
