// Ids that appear in URLs are random and time-ordered (UUIDv7); tokens are 32 random bytes.
import { createHash, randomBytes } from "node:crypto";
import { v7 } from "uuid";

export const newId = (): string => v7();

/** 32 random bytes as base64url: 43 characters. */
export const newToken = (): string => randomBytes(32).toString("base64url");

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** `count` tokens from one read of the random source (a bulk invite makes hundreds at once). */
export function newTokens(count: number): string[] {
  const bytes = randomBytes(32 * count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * 32, (i + 1) * 32).toString("base64url"));
}
