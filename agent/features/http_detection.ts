/**
 * HTTP detection on a redirected connection (how-it-works §3.8.3): the first bytes decide between
 * HTTP/2 with prior knowledge (the `PRI * HTTP/2.0` preface), HTTP/1 (a complete, valid request
 * line up to the first `\n`) and anything else (raw TCP). Each read waits at most the detection
 * timeout (`MIRRORD_AGENT_HTTP_DETECTION_TIMEOUT`, 2 s; a successful read restarts it); a timeout
 * or EOF while undecided means raw TCP. The bytes looked at stay in the reader.
 *
 * @module
 */
import type { ConnReader } from "./conn_reader.ts";
import { latin1 } from "./http1_parser.ts";

/** The protocol spoken on a connection. */
export type DetectedProtocol = "http1" | "h2" | "raw";

const H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ +\S+ +HTTP\/1\.[01]\r?$/;
const PARTIAL_REQUEST_LINE =
  /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+( +(\S+( +(H(T(T(P(\/(1(\.([01]\r?)?)?)?)?)?)?)?)?)?)?)?$/;
const MAX_REQUEST_LINE = 16 * 1024;

/**
 * Classifies buffered bytes.
 *
 * @param bytes the first bytes of the connection
 * @returns the protocol, or null when more bytes are needed
 */
export function classifyPrefix(bytes: Uint8Array): DetectedProtocol | null {
  if (bytes.length === 0) return null;
  const head = latin1(bytes, 0, Math.min(bytes.length, H2_PREFACE.length));
  if (H2_PREFACE.startsWith(head)) {
    return head.length === H2_PREFACE.length ? "h2" : null;
  }
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) {
    if (bytes.length > MAX_REQUEST_LINE) return "raw";
    const partial = latin1(bytes, 0, Math.min(bytes.length, MAX_REQUEST_LINE));
    return PARTIAL_REQUEST_LINE.test(partial) ? null : "raw";
  }
  return REQUEST_LINE.test(latin1(bytes, 0, newline)) ? "http1" : "raw";
}

/** What detection found, and whether it gave up waiting (the peer stayed silent). */
export interface Detection {
  protocol: DetectedProtocol;
  timedOut: boolean;
}

/**
 * Reads until the protocol is known.
 *
 * @param reader the connection
 * @param timeoutMs per-read limit
 * @returns the protocol
 */
export async function detectProtocol(reader: ConnReader, timeoutMs: number): Promise<Detection> {
  while (true) {
    const verdict = classifyPrefix(reader.buffered);
    if (verdict !== null) return { protocol: verdict, timedOut: false };
    const result = await reader.fill(timeoutMs);
    if (result !== "data") return { protocol: "raw", timedOut: result === "timeout" };
  }
}
