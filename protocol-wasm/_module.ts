/**
 * Loads the versioned WASM module (its folder is named after MODULE_VERSION) and refuses one
 * that reports another module or protocol version. Internal: import `mod.ts`.
 *
 * @module
 */
import * as glue from "./generated/v0.1.0/mirrord_protocol_wasm.js";

/** Version of the WASM module this facade was written for (the crate version). */
export const MODULE_VERSION = "0.1.0";
/** Agent-link protocol version spoken (mirrord-protocol). */
export const PROTOCOL_VERSION = "1.29.0";

/** What a module says about itself. */
export interface ModuleIdentity {
  module: string;
  protocol: string;
}

/**
 * Throws when a loaded module is not the one this facade expects.
 *
 * @param reported what the module reports
 * @param expected what the facade expects
 * @throws {Error} naming both versions and the fix
 * @example Accept the matching module
 * ```ts
 * checkModuleIdentity({ module: "0.1.0", protocol: "1.29.0" }, { module: "0.1.0", protocol: "1.29.0" });
 * ```
 */
export function checkModuleIdentity(reported: ModuleIdentity, expected: ModuleIdentity): void {
  if (reported.module === expected.module && reported.protocol === expected.protocol) return;
  throw new Error(
    `Cannot load protocol-wasm: the module reports version ${reported.module} (protocol ` +
      `${reported.protocol}) but protocol-wasm/mod.ts expects ${expected.module} (protocol ` +
      `${expected.protocol}) — rebuild it with \`deno task build:wasm\` and keep mod.ts and ` +
      "generated/ from the same commit",
  );
}

checkModuleIdentity(
  { module: glue.module_version(), protocol: glue.protocol_version() },
  { module: MODULE_VERSION, protocol: PROTOCOL_VERSION },
);

/** The checked module. */
export const wasm = glue;

/** Message kinds in the module's numbering. */
export const KIND = { client: 0, daemon: 1, layer: 2, proxy: 3 } as const;
/** Codec tool name of a message kind. */
export type KindName = keyof typeof KIND;
