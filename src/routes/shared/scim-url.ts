// The SCIM tenant URL Entra is given: the settings page shows it, the SCIM routes build locations from it.
export const scimBase = (publicUrl: string) => `${publicUrl}/scim/v2`;

/** The SCIM service's paths: their refusals (too large, misdirected) are said in SCIM's error form. */
export const isScimPath = (path: string) => path === "/scim/v2" || path.startsWith("/scim/v2/");
