// Settings → Provisioning (GET /settings/provisioning) and POST /settings/scim/token: the SCIM
// tenant URL, a new secret token, the provisioning log. Business Administrators only. The token
// is shown once: htmx gets it in the fragment; a plain form post gets a 303, and the token rides
// to the next page in a short-lived HttpOnly cookie scoped to that page, read once and cleared
// (shown only while it is still the organization's current token).
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { listScimRequests } from "../domain/scim-log.js";
import { findScimTokenHolder, getProvisioningStatus, issueScimToken } from "../domain/scim-tokens.js";
import { ProvisioningPage, ScimTokenSection, type ProvisioningView } from "../../views/settings/provisioning-page.js";
import { isFragmentRequest, respond } from "../../views/respond.js";
import { scimBase } from "./shared/scim-url.js";
import { actorOf } from "./shared/actor.js";

const ONCE_COOKIE = "scim_token_once";
const PAGE = "/settings/provisioning";

async function loadView(c: Context<AppEnv>, secret?: string): Promise<ProvisioningView> {
  const { db, config } = c.get("deps");
  const orgId = c.get("session")!.org.id;
  const [status, requests] = await Promise.all([getProvisioningStatus(db, orgId), listScimRequests(db, orgId)]);
  return { tenantUrl: scimBase(config.publicUrl), status, requests, secret };
}

/** The token a plain form post left for this page, if it is still this organization's token. */
async function takeOnceToken(c: Context<AppEnv>): Promise<string | undefined> {
  const token = getCookie(c, ONCE_COOKIE);
  if (token === undefined) return undefined;
  deleteCookie(c, ONCE_COOKIE, { path: PAGE, secure: c.get("deps").config.publicUrl.startsWith("https:") });
  const holder = await findScimTokenHolder(c.get("deps").db, token);
  return holder?.orgId === c.get("session")!.org.id ? token : undefined;
}

export function provisioningRoutes() {
  return new Hono<AppEnv>()
    .get("/provisioning", requireAdmin, async (c) => {
      const view = await loadView(c, await takeOnceToken(c));
      c.header("Cache-Control", "no-store");
      return respond(c, {
        title: "Provisioning",
        active: "settings",
        page: () => <ProvisioningPage {...view} />,
        fragment: () => <ProvisioningPage {...view} />,
      });
    })
    .post("/scim/token", requireAdmin, async (c) => {
      const token = await issueScimToken(c.get("deps").db, actorOf(c));
      c.header("Cache-Control", "no-store");
      if (isFragmentRequest(c)) {
        const view = await loadView(c, token);
        return c.html(<ScimTokenSection {...view} />);
      }
      setCookie(c, ONCE_COOKIE, token, {
        path: PAGE,
        httpOnly: true,
        sameSite: "Strict",
        maxAge: 300,
        secure: c.get("deps").config.publicUrl.startsWith("https:"),
      });
      return c.redirect(PAGE, 303);
    });
}
