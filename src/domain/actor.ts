// Who performs a domain action: the signed-in person and their organization. Routes build it
// from the session; jobs carry it from the row that queued them.
export type Actor = { personId: string; orgId: string; name: string };
