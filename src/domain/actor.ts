// Who performs a domain action: the signed-in person and their organization. Routes build it
// from the session; jobs carry it from the row that queued them. A service acting for the
// organization (Entra provisioning) has no person: `personId` is null and `name` names it.
export type Actor = { personId: string | null; orgId: string; name: string };

export const PROVISIONING_ACTOR_NAME = "Entra provisioning";

/** Who acted, as an email to the affected person names them: a person's name; null for a
 *  service, which the emails do not name ("You have been invited", "ask your administrator"). */
export const signatoryName = (actor: Actor): string | null => (actor.personId === null ? null : actor.name);

/** The actor of SCIM provisioning requests in an organization. */
export const provisioningActor = (orgId: string): Actor => ({ personId: null, orgId, name: PROVISIONING_ACTOR_NAME });
