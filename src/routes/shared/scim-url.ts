// The SCIM tenant URL Entra is given: the settings page shows it, the SCIM routes build locations from it.
export const scimBase = (publicUrl: string) => `${publicUrl}/scim/v2`;
