// Status badges. Written as html templates, not JSX: they are drawn for every row of a list, and
// a template is several times cheaper to render; JSX uses them as components all the same.
import { html } from "hono/html";
import type { MemberStatus } from "../../src/db/schema.js";

const labels: Record<MemberStatus, string> = { invited: "Invited", active: "Active", archived: "Archived" };

const badges = Object.fromEntries(Object.entries(labels).map(([status, label]) => [status, html`<span class="badge badge-${status}">${label}</span>`]));

export function StatusBadge(props: { status: MemberStatus }) {
  return badges[props.status]!;
}

export function ProblemBadge(props: { label: string; title?: string }) {
  return html`<span class="badge badge-problem"${props.title === undefined ? "" : html` title="${props.title}"`}>${props.label}</span>`;
}
