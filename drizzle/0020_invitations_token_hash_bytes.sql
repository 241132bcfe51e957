-- Hand-written: an invitation's token hash is stored as its 32 bytes, not 64 hex characters (the
-- column and its unique index each hold half as much). The declared type stays TEXT: SQLite keeps
-- a BLOB as given, so the table is not rebuilt. A stored value that is not a hex SHA-256 stays text.
UPDATE `invitations` SET `token_hash` = unhex(`token_hash`)
  WHERE typeof(`token_hash`) = 'text' AND length(`token_hash`) = 64 AND unhex(`token_hash`) IS NOT NULL;
