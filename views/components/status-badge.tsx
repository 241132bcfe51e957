import type { MemberStatus } from "../../src/db/schema.js";

const labels: Record<MemberStatus, string> = { invited: "Invited", active: "Active", archived: "Archived" };

export function StatusBadge(props: { status: MemberStatus }) {
  return <span class={`badge badge-${props.status}`}>{labels[props.status]}</span>;
}

export function ProblemBadge(props: { label: string; title?: string }) {
  return <span class="badge badge-problem" title={props.title}>{props.label}</span>;
}
