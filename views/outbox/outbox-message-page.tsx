// GET /outbox/:id (local mode): one kept email. The HTML part is shown in a sandboxed iframe
// (srcdoc, no scripts, links open in a new tab); the text part is shown with its links clickable.
import type { OutboxMessage } from "../../src/domain/outbox.js";
import { Address } from "../components/address.js";
import { TimeAgo } from "../components/format.js";
import { MailStatusBadges, kindLabel } from "./mail-status.js";

export function OutboxMessagePage(props: { message: OutboxMessage }) {
  const m = props.message;
  return (
    <>
      <nav aria-label="Breadcrumb">
        <a href="/outbox">← Local outbox</a>
      </nav>
      <div class="page-head">
        <h1>{m.subject}</h1>
      </div>
      <dl class="mail-meta" style={META}>
        <dt class="muted">To</dt>
        <dd class="email" style="margin:0">
          <Address value={m.to} />
        </dd>
        <dt class="muted">Kind</dt>
        <dd style="margin:0">{kindLabel(m.kind)}</dd>
        <dt class="muted">Status</dt>
        <dd style="margin:0">
          <MailStatusBadges {...m} />
          {m.lastError && <small class="muted block">{m.lastError}</small>}
        </dd>
        <dt class="muted">Queued</dt>
        <dd style="margin:0">
          <TimeAgo date={m.createdAt} />
        </dd>
        {m.sentAt && (
          <>
            <dt class="muted">Sent</dt>
            <dd style="margin:0">
              <TimeAgo date={m.sentAt} />
            </dd>
          </>
        )}
      </dl>
      <h2>Email</h2>
      <iframe
        title={`Email: ${m.subject}`}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerpolicy="no-referrer"
        srcdoc={m.html}
        style="width:100%;height:36rem;border:1px solid var(--pico-muted-border-color, #ccc);border-radius:.5rem;background:#fff;"
      />
      <h2>Plain-text version</h2>
      <pre class="mail-text" style="white-space:pre-wrap;overflow-wrap:anywhere;">
        <LinkedText text={m.text} />
      </pre>
    </>
  );
}

const META = "display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;margin:0 0 1.5rem 0;";

const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

/** Text with its http(s) URLs as links; everything else stays text (and is escaped by JSX). */
export function LinkedText(props: { text: string }) {
  return <>{props.text.split(URL_PATTERN).map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}
