// Ids that appear in URLs are random and time-ordered (UUIDv7); tokens are 32 random bytes.
import { createHash, randomBytes } from "node:crypto";
import { v7 } from "uuid";

export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID (GUID) in either case: Microsoft's tenant and object ids. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** One of our ids as newId writes them (lower case); anything else names nothing of ours. */
export const isOurId = (value: string): boolean => isUuid(value) && value === value.toLowerCase();

/** 32 random bytes as base64url: 43 characters. */
export const newToken = (): string => randomBytes(32).toString("base64url");

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** `count` tokens from one read of the random source (a bulk invite makes hundreds at once). */
export function newTokens(count: number): string[] {
  const bytes = randomBytes(32 * count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * 32, (i + 1) * 32).toString("base64url"));
}
