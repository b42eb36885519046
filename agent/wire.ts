/**
 * The agent's view of the protocol facade (`protocol-wasm/mod.ts`): the few calls the agent makes,
 * in one place.
 *
 * @module
 */
import {
  ASSUMED_PEER_VERSION,
  ClientMessageDecoder,
  type DaemonMessage,
  encodeDaemonMessage,
  type GateName,
  PROTOCOL_VERSION,
  ProtocolDecodeError,
  settleVersion,
  supports,
} from "../protocol-wasm/mod.ts";

/** The version a client is assumed to speak until it sends `SwitchProtocolVersion` (1.2.2). */
export const ASSUMED_CLIENT_VERSION: string = ASSUMED_PEER_VERSION;

/** @returns a streaming decoder of `ClientMessage`s */
export function newClientDecoder(): ClientMessageDecoder {
  return new ClientMessageDecoder();
}

/**
 * @param message a `DaemonMessage` value
 * @returns its bytes on the agent link
 */
export function encodeDaemon(message: DaemonMessage): Uint8Array {
  return encodeDaemonMessage(message);
}

/**
 * The `SwitchProtocolVersionResponse` for a client's announced version.
 *
 * @param clientVersion what the client announced
 * @returns min(ours, theirs)
 */
export function negotiateVersion(clientVersion: string): string {
  return settleVersion(PROTOCOL_VERSION, clientVersion);
}

/**
 * Whether the client's announced version satisfies a gate (pre-releases never do).
 *
 * @param clientVersion the client's announced version
 * @param gate one of mirrord's gate constants, e.g. `INFO_LOG_VERSION`
 * @returns true when the client understands the gated message; false for an unparsable version
 */
export function clientSupports(clientVersion: string, gate: GateName): boolean {
  // Asked for every incoming request (its message format): remember each answer.
  const key = `${gate} ${clientVersion}`;
  let answer = gateAnswers.get(key);
  if (answer === undefined) {
    try {
      answer = supports(gate, clientVersion);
    } catch {
      answer = false;
    }
    if (gateAnswers.size >= MAX_GATE_ANSWERS) gateAnswers.clear();
    gateAnswers.set(key, answer);
  }
  return answer;
}

const gateAnswers = new Map<string, boolean>();
/** Distinct (gate, version) answers kept; clients announce a handful of versions at most. */
const MAX_GATE_ANSWERS = 1024;

/**
 * @param error anything caught while decoding
 * @returns whether it is a corrupt or unknown message (as opposed to an I/O failure)
 */
export function isDecodeError(error: unknown): boolean {
  return error instanceof ProtocolDecodeError;
}
