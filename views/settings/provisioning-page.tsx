// Settings → Provisioning: connecting Microsoft Entra ID's provisioning service (SCIM 2.0). The
// page composes ScimTokenSection (what generating a token answers with, the secret shown once in
// <output id="scim-token">) and ProvisioningLog (the last requests and what came of them).
import type { ScimRequestRow } from "../../src/domain/scim-log.js";
import type { ProvisioningStatus } from "../../src/domain/scim-tokens.js";
import { formatNumber, TimeAgo } from "../components/format.js";
import { SwapForm } from "../components/swap-form.js";
import { DataTable, EmptyList } from "../components/table.js";

export type ProvisioningView = {
  tenantUrl: string;
  status: ProvisioningStatus;
  requests: ScimRequestRow[];
  /** The token just generated: shown once, never stored. */
  secret?: string | undefined;
};

export function ProvisioningPage(props: ProvisioningView) {
  return (
    <>
      <div class="page-head">
        <h1>Provisioning</h1>
        <a href="/settings">← Settings</a>
      </div>
      <p>
        Connect Microsoft Entra ID so that people assigned to the MileIQ application are invited on the day they are assigned, and archived on the day they are
        unassigned or disabled. In the Entra admin center, open the enterprise application, choose <strong>Provisioning</strong>, set the mode to{" "}
        <strong>Automatic</strong>, and enter:
      </p>
      <dl class="provisioning-connection">
        <dt>
          <label for="scim-tenant-url">Tenant URL</label>
        </dt>
        <dd>
          <input id="scim-tenant-url" type="text" readonly value={props.tenantUrl} />
        </dd>
      </dl>
      <p>
        Then generate the <strong>Secret token</strong> below, paste it in, and press <strong>Test Connection</strong>.
      </p>
      <ScimTokenSection {...props} />
      <ProvisioningLog rows={props.requests} provisionedUsers={props.status.provisionedUsers} />
    </>
  );
}

export function ScimTokenSection(props: ProvisioningView) {
  const token = props.status.token;
  return (
    <section id="scim-token-section" aria-labelledby="scim-token-heading">
      <h2 id="scim-token-heading">Secret token</h2>
      {props.secret && (
        <div class="flash" role="status">
          <p>
            Copy this token now and paste it into <strong>Secret token</strong> in Entra. It is shown only once.
          </p>
          <output id="scim-token" for="scim-generate">
            {props.secret}
          </output>
        </div>
      )}
      <p>
        {token ? (
          <>
            Generated <TimeAgo date={token.createdAt} />
            {token.createdByName && <> by {token.createdByName}</>}. Last used: {token.lastUsedAt ? <TimeAgo date={token.lastUsedAt} /> : "never"}.
          </>
        ) : (
          <>No token yet: Entra cannot connect until you generate one.</>
        )}
      </p>
      <SwapForm
        action="/settings/scim/token"
        target="#scim-token-section"
        hx-disable="find button"
        hx-confirm={token ? "Generate a new token? The current one stops working at once, so Entra needs the new one." : undefined}
      >
        <button id="scim-generate" type="submit" class={token ? "secondary" : undefined}>
          {token ? "Generate a new token" : "Generate token"}
        </button>
        {token && <small class="block">A new token replaces the current one at once: provisioning stops until Entra has the new one.</small>}
      </SwapForm>
    </section>
  );
}

export function ProvisioningLog(props: { rows: ScimRequestRow[]; provisionedUsers: number }) {
  return (
    <section aria-labelledby="scim-log-heading">
      <h2 id="scim-log-heading">Recent provisioning requests</h2>
      <p class="muted">
        {formatNumber(props.provisionedUsers)} {props.provisionedUsers === 1 ? "user" : "users"} provisioned. Changes and refusals are listed here, newest
        first; lookups are not.
      </p>
      {props.rows.length === 0 ? (
        <EmptyList>No provisioning requests yet.</EmptyList>
      ) : (
        <DataTable class="scim-log" columns={["When", "Request", "Result"]}>
          <tbody>
            {props.rows.map((row) => (
              <tr>
                <td>
                  <TimeAgo date={row.createdAt} />
                </td>
                <td>
                  <code>
                    {row.method} {row.path}
                  </code>
                </td>
                <td>
                  <span class={row.status >= 400 ? "badge badge-problem" : "badge badge-active"}>{row.status}</span> {row.outcome}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
