// GET /outbox (local mode): the emails the local transport kept for this organization, newest first.
import type { OutboxListItem } from "../../src/domain/outbox.js";
import type { MailStatus } from "../../src/db/schema.js";
import { Address } from "../components/address.js";
import { formatNumber, TimeAgo } from "../components/format.js";
import { DataTable } from "../components/table.js";
import { MailStatusBadges, kindLabel } from "./mail-status.js";

export type OutboxView = { rows: OutboxListItem[]; next: string | null; before: string | undefined; counts: Record<MailStatus, number> };

export function OutboxPage(props: OutboxView) {
  const total = Object.values(props.counts).reduce((a, b) => a + b, 0);
  return (
    <>
      <div class="page-head">
        <h1>Local outbox</h1>
      </div>
      <p class="muted">
        Local mode sends no email. Every message the admin center would send is kept here instead, so you can open an invitation and follow its link.{" "}
        {formatNumber(total)} {total === 1 ? "email" : "emails"}
        {props.counts.queued > 0 && <>, {formatNumber(props.counts.queued)} waiting to be sent</>}.
      </p>
      {props.rows.length === 0 ? (
        <p>
          No emails yet. Invite someone from <a href="/users">Users</a> and their invitation appears here.
        </p>
      ) : (
        <DataTable class="outbox" columns={["To", "Subject", "Kind", "Status", "When"]}>
          <tbody>
            {props.rows.map((row) => (
              <tr>
                <td class="email">
                  <Address value={row.to} />
                </td>
                <td>
                  <a href={`/outbox/${row.id}`}>{row.subject}</a>
                </td>
                <td>{kindLabel(row.kind)}</td>
                <td>
                  <MailStatusBadges {...row} />
                </td>
                <td style="white-space:nowrap">
                  <TimeAgo date={row.sentAt ?? row.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      {(props.before || props.next) && (
        <nav class="pager" aria-label="Pages">
          {props.before && <a href="/outbox">← Newest</a>}
          {props.next && (
            <a href={`/outbox?before=${encodeURIComponent(props.next)}`} rel="next">
              Older →
            </a>
          )}
        </nav>
      )}
    </>
  );
}
