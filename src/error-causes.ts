// What went wrong underneath a wrapped error. fetch() fails with "fetch failed" and an empty
// stack; the reason ("connect ECONNREFUSED 127.0.0.1:443") is in its `cause`, and drizzle and
// libSQL wrap it twice more. These name the reason in words an operator can act on.

/** The error and its causes, outermost first (at most 8 deep). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "timed out connecting",
  UND_ERR_SOCKET: "connection closed",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its TLS certificate is not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate is for another host",
};

/**
 * "connection refused (connect ECONNREFUSED 127.0.0.1:1)" for a network failure anywhere in the
 * chain; the deepest message otherwise ("bad port", "The operation was aborted due to timeout").
 */
export function describeFetchFailure(error: unknown): string {
  const chain = causeChain(error);
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES[code]) return `${NETWORK_CODES[code]} (${e.message})`;
    if (e.name === "TimeoutError") return `no answer in time (${e.message})`;
  }
  const deepest = chain.at(-1);
  return deepest ? deepest.message : String(error);
}

/** The network failure's plain words alone ("connection refused"), or null when it was not one. */
export function networkFailureOf(error: unknown): string | null {
  for (const e of causeChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES[code]) return NETWORK_CODES[code]!;
    if (e.name === "TimeoutError") return "no answer in time";
  }
  return null;
}
