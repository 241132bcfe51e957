// The whole data model (DESIGN.md "Domain model"). Every table that belongs to an
// organization carries org_id; times are UTC epoch milliseconds; money is integer thousandths.
import { sql } from "drizzle-orm";
import { customType, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A SHA-256 stored as its 32 bytes (a BLOB), half its hex text; the code sees lower-case hex. The
 *  column's declared type stays TEXT (SQLite keeps a BLOB as given whatever the declared type),
 *  so no table is rebuilt for it. A value stored as text (a hash that was not hex) reads as it is. */
const sha256Column = customType<{ data: string; driverData: Uint8Array | ArrayBuffer | string }>({
  dataType: () => "text",
  toDriver: (hex) => (/^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, "hex") : hex),
  fromDriver: (stored) => (typeof stored === "string" ? stored : Buffer.from(stored instanceof ArrayBuffer ? new Uint8Array(stored) : stored).toString("hex")),
});

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").unique(),
  name: text("name").notNull().unique(),
  /** JSON array of lower-case email domains, e.g. ["contoso.example"]. */
  domains: text("domains", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Graph `@odata.deltaLink` of the last successful directory sync. */
  directoryDeltaLink: text("directory_delta_link"),
  /** The same for the directory's groups (/groups/delta with members). */
  groupsDeltaLink: text("groups_delta_link"),
  createdAt: createdAt(),
});

export const mileageRates = sqliteTable(
  "mileage_rates",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    year: integer("year").notNull(),
    /** Thousandths of a dollar per mile: 725 = $0.725. */
    rateMilli: integer("rate_milli").notNull(),
    previousRateMilli: integer("previous_rate_milli"),
    setBy: text("set_by").references(() => directoryPeople.id),
    createdAt: createdAt(),
  },
  (t) => [index("mileage_rates_org_year").on(t.orgId, t.year, t.createdAt)],
);

export const directoryPeople = sqliteTable(
  "directory_people",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    entraObjectId: text("entra_object_id"),
    mail: text("mail"),
    userPrincipalName: text("user_principal_name"),
    displayName: text("display_name").notNull().default(""),
    givenName: text("given_name"),
    surname: text("surname"),
    jobTitle: text("job_title"),
    department: text("department"),
    accountEnabled: integer("account_enabled", { mode: "boolean" }).notNull().default(true),
    /** Local mode only: the Business Administrator role (Entra uses the `roles` claim). */
    isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
    /** Set when Graph reports the user removed ("left the directory"). */
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
    // Normalized (trim, NFC, lower-case) copies used for lookups and prefix search.
    mailNorm: text("mail_norm"),
    upnNorm: text("upn_norm"),
    displayNorm: text("display_norm").notNull().default(""),
    givenNorm: text("given_norm"),
    surnameNorm: text("surname_norm"),
    /** The department, normalized like the names: people of one department share it. */
    departmentNorm: text("department_norm"),
    /** Maintained by triggers on members: how many of this person's members are invited or active.
     *  0 on an enabled person who has not left means they can be invited (a group counts them). */
    liveMembers: integer("live_members").notNull().default(0),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("directory_people_org_oid").on(t.orgId, t.entraObjectId),
    uniqueIndex("directory_people_org_upn").on(t.orgId, t.upnNorm),
    index("directory_people_org_mail").on(t.orgId, t.mailNorm),
    index("directory_people_org_display").on(t.orgId, t.displayNorm),
    index("directory_people_org_given").on(t.orgId, t.givenNorm),
    index("directory_people_org_surname").on(t.orgId, t.surnameNorm),
    // A department's people who can be invited are one range of it (..., 1, 0): counted from the index alone.
    index("directory_people_org_department")
      .on(t.orgId, t.departmentNorm, t.accountEnabled, t.liveMembers)
      .where(sql`removed_at IS NULL AND department_norm IS NOT NULL`),
  ],
);

export const groupKinds = ["department", "security", "microsoft365"] as const;
export type GroupKind = (typeof groupKinds)[number];

/** Groups the type-ahead offers: departments (one per organization and normalized department
 *  name, created by a trigger when a person of a new department is written) and, with Entra, the
 *  directory's security and Microsoft 365 groups (kept by the directory sync). The id is ours and
 *  random: it is what forms and URLs carry. */
export const directoryGroups = sqliteTable(
  "directory_groups",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    kind: text("kind", { enum: groupKinds }).notNull(),
    /** Entra groups only. */
    entraObjectId: text("entra_object_id"),
    name: text("name").notNull(),
    nameNorm: text("name_norm").notNull(),
    /** Entra groups: object ids of the groups nested in it (its members of type group), JSON. */
    nestedGroups: text("nested_groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("directory_groups_org_name").on(t.orgId, t.nameNorm),
    uniqueIndex("directory_groups_org_oid").on(t.orgId, t.entraObjectId),
    uniqueIndex("directory_groups_org_department").on(t.orgId, t.nameNorm).where(sql`kind = 'department'`),
  ],
);

/** The transitive user members of Entra groups, by the user's object id (a member may be synced
 *  before or after the group). `eligible` copies whether that person can be invited (enabled, not
 *  left, no invited or active member), kept by triggers on directory_people, so a group's count
 *  is one index range. */
export const directoryGroupMembers = sqliteTable(
  "directory_group_members",
  {
    orgId: text("org_id").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => directoryGroups.id, { onDelete: "cascade" }),
    personOid: text("person_oid").notNull(),
    eligible: integer("eligible", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.personOid] }),
    index("directory_group_members_person").on(t.orgId, t.personOid),
    index("directory_group_members_eligible").on(t.groupId, t.eligible),
  ],
);

export const memberStatuses = ["invited", "active", "archived"] as const;
export type MemberStatus = (typeof memberStatuses)[number];

export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    personId: text("person_id").references(() => directoryPeople.id),
    /** The address as first given (display); emailNorm is the unique key. */
    email: text("email").notNull(),
    emailNorm: text("email_norm").notNull(),
    /** Display name copied from the directory, and its lower-case sort key. */
    name: text("name").notNull().default(""),
    sortName: text("sort_name").notNull().default(""),
    status: text("status", { enum: memberStatuses }).notNull(),
    invitedAt: integer("invited_at", { mode: "timestamp_ms" }),
    invitedBy: text("invited_by").references(() => directoryPeople.id),
    activatedAt: integer("activated_at", { mode: "timestamp_ms" }),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
    archivedBy: text("archived_by").references(() => directoryPeople.id),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("members_org_email").on(t.orgId, t.emailNorm),
    index("members_org_sort").on(t.orgId, t.sortName, t.id),
    index("members_org_status_sort").on(t.orgId, t.status, t.sortName, t.id),
    // Covers the address-prefix search: its matches are sorted by name from the index alone.
    index("members_org_email_sort").on(t.orgId, t.emailNorm, t.sortName, t.id, t.status),
    // A one-letter search's addresses in name order, per status: only addresses whose first letter
    // is not the name's (the name range finds the others), so it holds few entries (member-search.ts).
    index("members_org_address_initial")
      .on(t.orgId, sql`substr(email_norm, 1, 1)`, t.status, t.sortName, t.id)
      .where(sql`substr(email_norm, 1, 1) <> substr(sort_name, 1, 1)`),
    index("members_person").on(t.personId),
  ],
);

/** Maintained by triggers (see the custom migration): counts per status without scanning. */
export const memberCounts = sqliteTable(
  "member_counts",
  {
    orgId: text("org_id").notNull(),
    status: text("status").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.status] })],
);

/** Maintained by triggers (see the custom migrations): every word of a member's sort name but the
 *  first (sort_name's own index finds that one), so the Users search finds "garcia" in "maya
 *  garcia". Words are split at the characters of NAME_SEPARATORS (src/db/statements/member-search.ts).
 *  Keyed by the word's first letter and status, then in name order: a broad search reads each
 *  status's words of its first letter in list order and stops at a page, however many match (a
 *  word range would have to be sorted whole); a narrow one reads its word range (the index). WITHOUT ROWID (added by hand to the generated migration): the
 *  rows live in the key's b-tree, so the search reads one b-tree and the words are stored once. */
export const memberNameWords = sqliteTable(
  "member_name_words",
  {
    orgId: text("org_id").notNull(),
    /** The word's first character (substr(word, 1, 1)). */
    initial: text("initial").notNull(),
    word: text("word").notNull(),
    sortName: text("sort_name").notNull(),
    memberId: text("member_id").notNull(),
    status: text("status", { enum: memberStatuses }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.initial, t.status, t.sortName, t.memberId, t.word] }),
    // A narrow word (few members) is found by its range and sorted: its letter's words would be
    // read whole. The entries hold the key, so this index covers the search and its counts.
    index("member_name_words_word").on(t.orgId, t.word, t.sortName, t.memberId),
  ],
);

export const deliveryStatuses = ["queued", "sent", "delivered", "delivery_delayed", "bounced", "complained", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id),
    /** SHA-256 of the 43-character base64url token, as 32 bytes (unhex in SQL); the token itself is never stored. */
    tokenHash: sha256Column("token_hash").notNull().unique(),
    invitedBy: text("invited_by").references(() => directoryPeople.id),
    sentCount: integer("sent_count").notNull().default(1),
    lastSentAt: integer("last_sent_at", { mode: "timestamp_ms" }),
    deliveryStatus: text("delivery_status", { enum: deliveryStatuses }).notNull().default("queued"),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    /** Reminders sent for this invitation (automatic or "Remind everyone"): at most two. */
    remindersSent: integer("reminders_sent").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // A member's invitations, latest first (resend, archive, invite again).
    index("invitations_member").on(t.memberId, t.createdAt),
    // Open invitations by their last email: the reminders' range, in (last_sent_at, rowid) order
    // (src/domain/reminder-send.ts). The rowid an index entry ends with is the keyset's tiebreak.
    index("invitations_open_last_sent").on(t.orgId, t.lastSentAt).where(sql`revoked_at IS NULL AND accepted_at IS NULL`),
    // Open invitations whose email bounced: the Users rows' bounce mark, one probe of a tiny index a row.
    index("invitations_open_bounced").on(t.memberId).where(sql`delivery_status = 'bounced' AND revoked_at IS NULL AND accepted_at IS NULL`),
  ],
);

/**
 * Reminders, one row per organization: the setting (remind people who have not joined N days
 * after their last email; 0 = off) and the job that sends them, with the lease of src/jobs/runner.ts.
 * The automatic pass runs when next_run_at is due; "Remind everyone invited more than N days ago"
 * is a request (requested_*) the same job carries out, counting the people it reminded.
 */
export const reminderSchedules = sqliteTable(
  "reminder_schedules",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .unique()
      .references(() => organizations.id),
    days: integer("days").notNull().default(0),
    nextRunAt: integer("next_run_at", { mode: "timestamp_ms" }),
    updatedBy: text("updated_by").references(() => directoryPeople.id),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
    requestedBy: text("requested_by").references(() => directoryPeople.id),
    requestedAt: integer("requested_at", { mode: "timestamp_ms" }),
    /** The request covers invitations whose last email went before this; it said "more than requested_days days ago". */
    requestedBefore: integer("requested_before", { mode: "timestamp_ms" }),
    requestedDays: integer("requested_days"),
    /** People the request has reminded so far (logged with it when it is done). */
    requestedReminded: integer("requested_reminded").notNull().default(0),
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
    lockedBy: text("locked_by"),
  },
  (t) => [index("reminder_schedules_due").on(t.nextRunAt)],
);

export const importStatuses = ["queued", "validating", "ready", "sending", "sent", "failed"] as const;
export type ImportJobStatus = (typeof importStatuses)[number];

export const imports = sqliteTable(
  "imports",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    createdBy: text("created_by").references(() => directoryPeople.id),
    fileName: text("file_name").notNull(),
    size: integer("size").notNull(),
    status: text("status", { enum: importStatuses }).notNull().default("queued"),
    /** What the reader detected: encoding, delimiter, header row, column. */
    detected: text("detected", { mode: "json" }).$type<Record<string, unknown>>(),
    total: integer("total").notNull().default(0),
    processed: integer("processed").notNull().default(0),
    /** Rows by outcome: total = ready (not invited yet) + sent (invited) + skipped + error, once checked. */
    readyCount: integer("ready_count").notNull().default(0),
    skippedCount: integer("skipped_count").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    /** People invited from this file (by Send Invite or Use suggestions). */
    sentCount: integer("sent_count").notNull().default(0),
    /** Of sentCount, those invited at a suggested address (Use suggestions). */
    suggestionsSentCount: integer("suggestions_sent_count").notNull().default(0),
    failureMessage: text("failure_message"),
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
    lockedBy: text("locked_by"),
    /** Send Invite pressed (ready rows), and by whom: the worker invites as that admin. */
    sendRequestedAt: integer("send_requested_at", { mode: "timestamp_ms" }),
    sendRequestedBy: text("send_requested_by").references(() => directoryPeople.id),
    /** Use suggestions confirmed: possible_typo rows are invited at their suggested address. */
    suggestionsRequestedAt: integer("suggestions_requested_at", { mode: "timestamp_ms" }),
    suggestionsRequestedBy: text("suggestions_requested_by").references(() => directoryPeople.id),
    /** When each request was carried out (and logged with the number of people it invited). */
    sendFinishedAt: integer("send_finished_at", { mode: "timestamp_ms" }),
    suggestionsFinishedAt: integer("suggestions_finished_at", { mode: "timestamp_ms" }),
    /** When the check finished: Send Invite respects what admins changed after it (an archive). */
    checkedAt: integer("checked_at", { mode: "timestamp_ms" }),
    /** The last row number the running phase (validating or sending) has finished: where a restart resumes. */
    cursorRow: integer("cursor_row").notNull().default(0),
    /** possible_typo rows with a suggestion not yet used (Use suggestions). */
    suggestionCount: integer("suggestion_count").notNull().default(0),
    createdAt: createdAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("imports_org_created").on(t.orgId, t.createdAt), index("imports_status_lock").on(t.status, t.lockedUntil)],
);

export const importOutcomes = ["ready", "skipped", "error"] as const;

export const importRows = sqliteTable(
  "import_rows",
  {
    importId: text("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    /** Spreadsheet line number: the header is row 1. */
    rowNumber: integer("row_number").notNull(),
    value: text("value").notNull(),
    emailNorm: text("email_norm"),
    outcome: text("outcome", { enum: importOutcomes }),
    code: text("code"),
    message: text("message"),
    suggestion: text("suggestion"),
    personId: text("person_id"),
    /** Set once Send Invite has handled the row (invited or re-checked away). */
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    // No index on email_norm: 500 random index inserts per statement made storing a 100,000-row
    // file 3-4 times slower; validation finds duplicates with a map it rebuilds on resume.
    // WITHOUT ROWID (added by hand, drizzle/0019): the rows live in this key's b-tree, stored once.
    primaryKey({ columns: [t.importId, t.rowNumber] }),
  ],
);

const mailTemplateNames = ["invitation", "archive_notice", "stored"] as const;

/** cancelled: withdrawn before it was sent (its invitation was revoked, replaced or accepted). */
export const mailStatuses = ["queued", "sending", "sent", "failed", "dead", "cancelled"] as const;
export type MailStatus = (typeof mailStatuses)[number];

export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").references(() => organizations.id),
    kind: text("kind").notNull(),
    to: text("to").notNull(),
    /** The email is stored as its template and parameters (src/domain/mail-templates.ts) and
     *  rendered when it is sent and when the local outbox shows it. The template is template_name,
     *  which an invitation email with a context leaves null (the context is an invitation's): derived, not stored. */
    templateName: text("template_name", { enum: mailTemplateNames }),
    template: text("template", { enum: mailTemplateNames }).notNull().generatedAlwaysAs(sql`coalesce(template_name, 'invitation')`, { mode: "virtual" }),
    params: text("params", { mode: "json" }).$type<unknown>().notNull(),
    invitationId: text("invitation_id").references(() => invitations.id),
    /** Which email of its invitation this is ("invitation:2", "reminder:1"); for an email of no
     *  invitation, its whole key. Unique with invitation_id: queuing one twice keeps the first. */
    sendKey: text("send_key").notNull(),
    /** The stable key `<kind>:<invitationId>:<n>` (or the whole send key): derived, not stored. */
    idempotencyKey: text("idempotency_key")
      .notNull()
      .generatedAlwaysAs(
        sql`CASE WHEN invitation_id IS NULL OR instr(send_key, invitation_id) > 0
    THEN send_key ELSE substr(send_key, 1, instr(send_key, ':')) || invitation_id || substr(send_key, instr(send_key, ':')) END`,
        { mode: "virtual" },
      ),
    status: text("status", { enum: mailStatuses }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
    lockedBy: text("locked_by"),
    providerId: text("provider_id"),
    /** Idempotency key of the provider request this message is in while unsent: after a crash or a
     * retryable error the same messages go again with the same key, so the provider sends them once. */
    batchKey: text("batch_key"),
    lastError: text("last_error"),
    deliveryStatus: text("delivery_status", { enum: deliveryStatuses }),
    /** What the provider said when it reported the email bounced (its bounce message), as given. */
    bounceReason: text("bounce_reason"),
    /** The import whose Send Invite (or Use suggestions) queued this email: its mail progress. An
     *  invitation email names it through its context instead (an email queued before contexts, here). */
    importId: text("import_id").references(() => imports.id),
    /** An invitation email's shared parameters and import (mail_contexts); params then holds only the
     *  recipient's name and the link's token (src/domain/mail-templates.ts). */
    contextId: integer("context_id").references(() => mailContexts.id),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    // The worker's claim: queued, in one batch (or none), due, lease free: all read from the index.
    index("mail_outbox_claim").on(t.status, t.batchKey, t.nextAttemptAt, t.lockedUntil),
    // Delivery webhooks find their email by the provider's id.
    index("mail_outbox_provider").on(t.providerId),
    // An invitation's emails (cancelling, re-checking, resending; reminders read its first), and the
    // uniqueness of each of them.
    uniqueIndex("mail_outbox_invitation_send").on(t.invitationId, t.sendKey),
    // (No index on org_id: the local outbox page reads an organization's emails newest first, in the
    // primary key's order, and the page exists only when mail stays in the outbox.)
  ],
);

/** What the invitation emails queued together share, stored once instead of on each outbox row:
 *  the organization's name, the inviter's name, the rate and year, the link up to its token (as
 *  PUBLIC_URL was when they were queued), whether they are reminders, and the import that queued
 *  them. Outbox rows name it by context_id; equal contexts are one row (the unique index). */
export const mailContexts = sqliteTable(
  "mail_contexts",
  {
    id: integer("id").primaryKey(),
    importId: text("import_id").references(() => imports.id),
    /** JSON object: orgName, inviterName, rateMilli, year, linkBase, reminder (when true). */
    params: text("params").notNull(),
  },
  (t) => [uniqueIndex("mail_contexts_params_import").on(t.params, sql`(CASE WHEN import_id IS NULL THEN '' ELSE import_id END)`)],
);

/** Maintained by triggers on mail_outbox (see the custom migration): an import's emails per
 *  (status, delivery status, '' for none), so its mail progress reads a few rows, not its emails.
 *  A trigger moves a count in the statement that moves the row: they cannot part. WITHOUT ROWID
 *  (added by hand to the generated migration): the counts live in the key's b-tree. */
export const importMailCounts = sqliteTable(
  "import_mail_counts",
  {
    importId: text("import_id").notNull(),
    status: text("status").notNull(),
    deliveryStatus: text("delivery_status").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.importId, t.status, t.deliveryStatus] })],
);

export const webhookEvents = sqliteTable("webhook_events", {
  /** The svix-id of a verified webhook delivery: a replay is refused. */
  id: text("id").primaryKey(),
  receivedAt: createdAt(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** Hex SHA-256 of the session token. */
    id: text("id").primaryKey(),
    personId: text("person_id")
      .notNull()
      .references(() => directoryPeople.id),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    roles: text("roles", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_person").on(t.personId)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    /** UUIDv7: time-ordered, so it doubles as the keyset cursor. */
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    actorId: text("actor_id").references(() => directoryPeople.id),
    /** Who acted when no person did (actor_id null): a service such as "Entra provisioning". */
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    memberId: text("member_id"),
    subject: text("subject"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_org_id").on(t.orgId, t.id),
    index("audit_org_action").on(t.orgId, t.action, t.id),
    index("audit_org_actor").on(t.orgId, t.actorId, t.id),
  ],
);

export const directorySyncs = sqliteTable(
  "directory_syncs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    /** queued = asked for by "Sync now", not yet claimed by a worker. */
    status: text("status", { enum: ["queued", "running", "succeeded", "failed"] }).notNull(),
    trigger: text("trigger").notNull(),
    /** The admin who pressed "Sync now" (null for scheduled syncs). */
    requestedBy: text("requested_by").references(() => directoryPeople.id),
    added: integer("added").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    message: text("message"),
    lockedUntil: integer("locked_until", { mode: "timestamp_ms" }),
    startedAt: createdAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("directory_syncs_org").on(t.orgId, t.startedAt)],
);

/** One SCIM secret token per organization (Settings → Provisioning); a new one replaces it. */
export const scimTokens = sqliteTable("scim_tokens", {
  orgId: text("org_id")
    .primaryKey()
    .references(() => organizations.id),
  /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: text("token_hash").notNull().unique(),
  createdBy: text("created_by").references(() => directoryPeople.id),
  createdAt: createdAt(),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
});

/** A SCIM User resource provisioned by Entra: its attributes as last written, and the directory person it is. */
export const scimUsers = sqliteTable(
  "scim_users",
  {
    /** The SCIM id (UUIDv7) in /scim/v2/Users/:id. */
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    personId: text("person_id")
      .notNull()
      .references(() => directoryPeople.id),
    userName: text("user_name").notNull(),
    userNameNorm: text("user_name_norm").notNull(),
    externalId: text("external_id"),
    emailNorm: text("email_norm"),
    active: integer("active", { mode: "boolean" }).notNull(),
    /** The attributes (core and enterprise extension) without id, meta and schemas. */
    resource: text("resource", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("scim_users_org_user_name").on(t.orgId, t.userNameNorm),
    uniqueIndex("scim_users_org_person").on(t.orgId, t.personId),
    index("scim_users_org_external_id").on(t.orgId, t.externalId),
    index("scim_users_org_email").on(t.orgId, t.emailNorm),
  ],
);

/** The last provisioning requests of each organization and their outcome (a bounded log). */
export const scimRequests = sqliteTable(
  "scim_requests",
  {
    /** UUIDv7: time-ordered. */
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    outcome: text("outcome").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("scim_requests_org_id").on(t.orgId, t.id)],
);
