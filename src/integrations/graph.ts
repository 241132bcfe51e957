// Microsoft Graph for the directory sync: an app-only token (client credentials) and delta
// paging (/users/delta here, /groups/delta in graph-groups.ts), with 429 (Retry-After) and 5xx
// retried a bounded number of times. App-only, not the admin's delegated token: the sync runs on
// a schedule when nobody is signed in. The app registration needs the User.Read.All and
// GroupMember.Read.All *application* permissions, with admin consent in each customer tenant.
import type { Config } from "../config.js";
import { discoverOpenIdMetadata } from "./openid-metadata.js";
import { describeFetchFailure } from "../error-causes.js";

export type GraphUser = {
  id: string;
  mail?: string | null;
  userPrincipalName?: string | null;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  accountEnabled?: boolean | null;
  "@removed"?: { reason?: string };
};

export const USER_FIELDS = ["id", "mail", "userPrincipalName", "displayName", "givenName", "surname", "jobTitle", "department", "accountEnabled"];

export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** The stored deltaLink is no longer usable (expired after 7 days, or reset): start a full round. */
export class DeltaLinkExpiredError extends GraphError {}

export type GraphClientOptions = {
  baseUrl: string;
  /** The token endpoint, or how to find it (discovery happens on first use, inside the sync). */
  tokenUrl: string | (() => Promise<string>);
  clientId: string;
  clientSecret: string;
  maxAttempts?: number;
  /** Longest Retry-After we honour, in seconds; a longer one fails the sync. */
  maxRetryAfterSeconds?: number;
};

export type DeltaRoundHandlers<T = GraphUser> = {
  onPage: (items: T[]) => void | Promise<void>;
  /** The deltaLink expired mid-way: everything received so far must be thrown away. */
  onRestart: () => void;
  /** Called before each wait between retries (a sync renews its lease here). */
  onRetry?: (waitMs: number) => Promise<void>;
  signal?: AbortSignal;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export class GraphClient {
  private token: { value: string; expiresAt: number } | null = null;
  private readonly maxAttempts: number;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: GraphClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.maxRetryAfterMs = (options.maxRetryAfterSeconds ?? 120) * 1000;
  }

  /** Reads one delta round to its deltaLink: a full round when `deltaLink` is null (or expired). */
  readUsersDelta(deltaLink: string | null, handlers: DeltaRoundHandlers<GraphUser>): Promise<{ deltaLink: string; full: boolean }> {
    return this.readDeltaRound(`${this.options.baseUrl}/users/delta?$select=${USER_FIELDS.join(",")}`, deltaLink, handlers);
  }

  /** One delta round of any resource (`initial` starts a full one): pages to `onPage`, to the deltaLink. */
  async readDeltaRound<T>(initial: string, deltaLink: string | null, handlers: DeltaRoundHandlers<T>): Promise<{ deltaLink: string; full: boolean }> {
    let url = deltaLink ?? initial;
    let full = deltaLink === null;
    for (;;) {
      let page: { value?: T[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };
      try {
        page = (await this.getJson(url, handlers)) as typeof page;
      } catch (error) {
        if (!(error instanceof DeltaLinkExpiredError) || full) throw error;
        handlers.onRestart();
        url = initial;
        full = true;
        continue;
      }
      await handlers.onPage(Array.isArray(page.value) ? page.value : []);
      if (page["@odata.nextLink"]) url = page["@odata.nextLink"];
      else if (page["@odata.deltaLink"]) return { deltaLink: page["@odata.deltaLink"], full };
      else throw new GraphError("Graph answered a delta page with neither a nextLink nor a deltaLink", 200, null);
    }
  }

  /** Every page of a collection (following @odata.nextLink), e.g. a group's transitive members. */
  async readAllPages<T>(url: string, handlers: Pick<DeltaRoundHandlers<T>, "signal" | "onRetry">): Promise<T[]> {
    const items: T[] = [];
    for (let next: string | undefined = url; next; ) {
      const page = (await this.getJson(next, handlers)) as { value?: T[]; "@odata.nextLink"?: string };
      if (Array.isArray(page.value)) items.push(...page.value);
      next = page["@odata.nextLink"];
    }
    return items;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  private async getJson(url: string, { signal, onRetry }: Pick<DeltaRoundHandlers<unknown>, "signal" | "onRetry">): Promise<unknown> {
    const response = await this.send(
      signal,
      onRetry,
      async () => [
        url,
        {
          headers: { Authorization: `Bearer ${await this.accessToken(signal)}`, Accept: "application/json", Prefer: "odata.maxpagesize=999" },
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000),
        },
      ],
      true,
    );
    return response.json();
  }

  private async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const scope = `${new URL(this.options.baseUrl).origin}/.default`;
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: this.options.clientId, client_secret: this.options.clientSecret, scope });
    const tokenUrl = typeof this.options.tokenUrl === "string" ? this.options.tokenUrl : await this.options.tokenUrl();
    const response = await this.send(
      signal,
      undefined,
      async () => [
        tokenUrl,
        {
          method: "POST",
          body,
          headers: { Accept: "application/json" },
          signal: AbortSignal.timeout(30_000),
        },
      ],
      false,
    );
    const data = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!data.access_token) throw new GraphError("the token endpoint answered without an access_token", response.status, null);
    // Renew two minutes early so a long sync never presents an expired token.
    this.token = { value: data.access_token, expiresAt: Date.now() + Math.max(60, (data.expires_in ?? 3600) - 120) * 1000 };
    return this.token.value;
  }

  /**
   * One request with bounded retries: network errors, 429 and 5xx wait and retry; 401 renews the
   * token once. `prepare` runs outside the retry (a failure to get a token is its own error).
   */
  private async send(
    signal: AbortSignal | undefined,
    onRetry: DeltaRoundHandlers<unknown>["onRetry"],
    prepare: () => Promise<[string, RequestInit]>,
    isGraph: boolean,
  ): Promise<Response> {
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const backoff = Math.min(30_000, 500 * 2 ** (attempt - 1));
      const [url, init] = await prepare();
      let response: Response;
      try {
        response = await fetch(url, init);
      } catch (error) {
        if (signal?.aborted || attempt >= this.maxAttempts)
          throw new GraphError(
            `${isGraph ? "Microsoft Graph" : "The token endpoint"} at ${where(url)} could not be reached: ${describeFetchFailure(error)}`,
            0,
            null,
          );
        await onRetry?.(backoff);
        await sleep(backoff, signal);
        continue;
      }
      if (response.ok) return response;
      const text = await response.text();
      let code: string | null = null;
      let message = text.slice(0, 200);
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } | string; error_description?: string };
        if (typeof parsed.error === "object" && parsed.error) {
          code = parsed.error.code ?? null;
          message = parsed.error.message ?? message;
        } else if (typeof parsed.error === "string") {
          code = parsed.error;
          message = parsed.error_description ?? parsed.error;
        }
      } catch {
        /* not JSON: keep the text */
      }
      const what = isGraph ? "Microsoft Graph" : "The token endpoint";
      if (isGraph && (response.status === 410 || code === "syncStateNotFound" || code === "resyncRequired")) {
        throw new DeltaLinkExpiredError(`${what} no longer accepts the stored delta link (${code ?? response.status})`, response.status, code);
      }
      if (isGraph && response.status === 401 && !renewed) {
        renewed = true;
        this.token = null;
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && attempt < this.maxAttempts) {
        const wait = retryAfterMs(response.headers.get("Retry-After")) ?? backoff;
        if (wait <= this.maxRetryAfterMs) {
          await onRetry?.(wait);
          await sleep(wait, signal);
          continue;
        }
      }
      const retried = attempt > 1 ? ` after ${attempt} attempts` : "";
      throw new GraphError(`${what} answered ${response.status}${code ? ` ${code}` : ""}${retried}: ${message}`, response.status, code);
    }
  }
}

/** A request URL without its query (a delta link's token), for a log line. */
function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** A client for one organization's tenant: the token endpoint is that tenant's (or GRAPH_TOKEN_URL). */
export function createGraphClient(config: Config, tenantId: string): GraphClient {
  const entra = config.entra;
  if (!entra) throw new Error("Microsoft Graph needs an Entra app registration (ENTRA_CLIENT_ID)");
  const tokenUrl = config.graphTokenUrl
    ? config.graphTokenUrl.replace("{tenantId}", () => encodeURIComponent(tenantId))
    : async () => (await discoverOpenIdMetadata(entra.authority, tenantId)).token_endpoint;
  return new GraphClient({ baseUrl: config.graphBaseUrl, tokenUrl, clientId: entra.clientId, clientSecret: entra.clientSecret });
}
