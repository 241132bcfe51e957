// The row actions of a member (filled in by the Invite User issue: resend, archive, invite again).
import type { MemberRow } from "../../src/domain/members.js";

export function UserRowActions(_props: { row: MemberRow }) {
  return null;
}
