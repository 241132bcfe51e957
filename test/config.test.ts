// The configuration's rules for mail, log level and webhook secret, and its start-up warnings.
import { describe, expect, it } from "vitest";
import { configWarnings, loadConfig } from "../src/config.js";

const ENTRA = { ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555", ENTRA_CLIENT_SECRET: "s" };

describe("MAIL_TRANSPORT", () => {
  it.each([
    [{}, "outbox"],
    [{ RESEND_API_KEY: "re_x" }, "resend"],
    [{ ...ENTRA, RESEND_API_KEY: "re_x" }, "resend"],
    [{ ...ENTRA, MAIL_TRANSPORT: "outbox" }, "outbox"],
    [{ ...ENTRA, MAIL_TRANSPORT: "Outbox", RESEND_API_KEY: "re_x" }, "outbox"],
  ])("%j sends through %s", (env, transport) => {
    const config = loadConfig(env);
    expect(config.mailTransport).toBe(transport);
    expect(config.resend !== null).toBe(transport === "resend");
  });

  it("outside local mode without a key or a choice: refused", () => {
    expect(() => loadConfig(ENTRA)).toThrow(/RESEND_API_KEY is missing/);
    expect(() => loadConfig({ MAIL_TRANSPORT: "smtp" })).toThrow('MAIL_TRANSPORT="smtp" is invalid: expected one of resend, outbox');
  });
});

describe("other checks", () => {
  it("LOG_LEVEL must be a pino level", () => {
    expect(loadConfig({ LOG_LEVEL: "DEBUG" }).logLevel).toBe("debug");
    expect(() => loadConfig({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL="verbose" is invalid/);
  });

  it("RESEND_WEBHOOK_SECRET must be whsec_ and base64", () => {
    expect(loadConfig({ RESEND_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }).resendWebhookSecret).toBe("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(() => loadConfig({ RESEND_WEBHOOK_SECRET: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })).toThrow(/whsec_/);
    expect(() => loadConfig({ RESEND_WEBHOOK_SECRET: "whsec_" })).toThrow(/whsec_/);
  });

  it("WEB_CONCURRENCY: 1 by default, a whole number up to 64, and never with a database per process", () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: "4" }).webConcurrency).toBe(4);
    expect(() => loadConfig({ WEB_CONCURRENCY: "0" })).toThrow('WEB_CONCURRENCY="0" is invalid: expected a whole number from 1 to 64');
    expect(() => loadConfig({ WEB_CONCURRENCY: "2", DATABASE_URL: ":memory:" })).toThrow(/WEB_CONCURRENCY=2 needs one database that every process opens/);
    expect(loadConfig({ WEB_CONCURRENCY: "1", DATABASE_URL: ":memory:" }).webConcurrency).toBe(1);
  });
});

describe("configWarnings", () => {
  it("warns about a localhost PUBLIC_URL with Entra, and about mail kept in the outbox outside local mode", () => {
    expect(configWarnings(loadConfig({}))).toEqual([]);
    expect(configWarnings(loadConfig({ ...ENTRA, RESEND_API_KEY: "re_x", PUBLIC_URL: "https://admin.contoso.example" }))).toEqual([]);
    const warnings = configWarnings(loadConfig({ ...ENTRA, MAIL_TRANSPORT: "outbox", PUBLIC_URL: "http://127.0.0.1:3000" }));
    expect(warnings).toEqual([
      expect.stringMatching(/^PUBLIC_URL is http:\/\/127\.0\.0\.1:3000: Microsoft will send people back to localhost/),
      expect.stringMatching(/^MAIL_TRANSPORT=outbox/),
    ]);
  });
});
