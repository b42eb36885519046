/**
 * Version negotiation helpers (protocol.md §4): the agent answers the lower of both versions,
 * a client that never negotiated is assumed to be 1.2.2, and a pre-release version satisfies
 * no gate.
 *
 * @module
 */
import { wasm } from "./_module.ts";
import type { GateName } from "./generated/v0.1.0/types.ts";

export { MODULE_VERSION, PROTOCOL_VERSION } from "./_module.ts";

/** What the agent assumes of a client that never sent `SwitchProtocolVersion`. */
export const ASSUMED_PEER_VERSION = "1.2.2";

/** Every gate of protocol.md §4.2 with its minimum version. */
export const GATES: Readonly<Record<GateName, string>> = Object.freeze(
  Object.fromEntries(
    (JSON.parse(wasm.describe()).gates as { name: GateName; version: string }[])
      .map((g) => [g.name, g.version]),
  ) as Record<GateName, string>,
);

/**
 * The version both sides use after negotiation: the lower of the two by semver precedence.
 *
 * @param ours this side's version
 * @param theirs the peer's version
 * @returns the settled version
 * @throws {TypeError} when either is not a semver version
 * @example An older agent
 * ```ts
 * settleVersion("1.29.0", "1.20.3"); // "1.20.3"
 * ```
 */
export function settleVersion(ours: string, theirs: string): string {
  return wasm.settle_version(ours, theirs);
}

/**
 * Whether a peer at `version` understands what `gate` guards.
 *
 * @param gate one of mirrord's gate constants
 * @param version the peer's version (agent: client's announced one; client: the settled one)
 * @returns true when `version >= gate`'s minimum; always false for a pre-release version
 * @throws {TypeError} for an unknown gate or an unparsable version
 * @example Gate a ConnectV2
 * ```ts
 * supports("OUTGOING_CONNECT_V2", "1.21.0"); // false
 * ```
 */
export function supports(gate: GateName, version: string): boolean {
  return wasm.supports(gate, version);
}
