// The discovery documents of our SCIM service (RFC 7643 §5-7, RFC 7644 §4): what we support,
// the User schema as we keep it, and the one resource type. Static but for the base URL.
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from "./scim-user-resource.js";
import { MAX_PAGE } from "./scim-users.js";

export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";
export const MAX_BODY_BYTES = 1024 * 1024;

type Attribute = Record<string, unknown>;
const attr = (name: string, more: Partial<Attribute> = {}): Attribute => ({
  name,
  type: "string",
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...more,
});
const complex = (name: string, subAttributes: Attribute[], more: Partial<Attribute> = {}) => attr(name, { type: "complex", subAttributes, ...more });
const multi = (name: string, types: string[]) =>
  complex(name, [attr("value"), attr("display"), attr("type", { canonicalValues: types }), attr("primary", { type: "boolean" })], { multiValued: true });

const userAttributes = [
  attr("userName", {
    required: true,
    uniqueness: "server",
    description: "Unique identifier, usually the user principal name. An address here or in a work email is required.",
  }),
  attr("externalId", { caseExact: true, description: "The Entra object id (matches the directory person) or another stable id." }),
  complex(
    "name",
    ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"].map((n) => attr(n)),
  ),
  attr("displayName"),
  attr("nickName"),
  attr("profileUrl", { type: "reference", referenceTypes: ["external"] }),
  attr("title"),
  attr("userType"),
  attr("preferredLanguage"),
  attr("locale"),
  attr("timezone"),
  attr("active", { type: "boolean", description: "false archives the member; true again invites them again." }),
  multi("emails", ["work", "home", "other"]),
  multi("phoneNumbers", ["work", "home", "mobile", "fax", "pager", "other"]),
  multi("ims", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
  multi("photos", ["photo", "thumbnail"]),
  complex(
    "addresses",
    ["formatted", "streetAddress", "locality", "region", "postalCode", "country", "type"].map((n) => attr(n)).concat(attr("primary", { type: "boolean" })),
    { multiValued: true },
  ),
  multi("entitlements", []),
  multi("roles", []),
  multi("x509Certificates", []),
];
const enterpriseAttributes = [
  attr("employeeNumber"),
  attr("costCenter"),
  attr("organization"),
  attr("division"),
  attr("department"),
  complex("manager", [attr("value"), attr("$ref", { type: "reference", referenceTypes: ["User"] }), attr("displayName", { mutability: "readOnly" })]),
];

export function schemaDocuments(base: string) {
  const schema = (id: string, name: string, description: string, attributes: Attribute[]) => ({
    schemas: [SCHEMA_SCHEMA],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: "Schema", location: `${base}/Schemas/${id}` },
  });
  return [
    schema(USER_SCHEMA, "User", "A person to invite to MileIQ", userAttributes),
    schema(ENTERPRISE_SCHEMA, "EnterpriseUser", "Enterprise user (department is kept on the directory person)", enterpriseAttributes),
  ];
}

export function resourceTypeDocuments(base: string) {
  return [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "People provisioned to MileIQ: active ones are invited, inactive or deleted ones archived.",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
  ];
}

export function serviceProviderConfig(base: string, publicUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: `${publicUrl}/settings/provisioning`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        primary: true,
        specUri: "https://www.rfc-editor.org/info/rfc6750",
        description: "The secret token generated in Settings → Provisioning, sent as Authorization: Bearer <token>.",
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

export const listOf = (resources: unknown[], startIndex = 1, total = resources.length) => ({
  schemas: [LIST_SCHEMA],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});
