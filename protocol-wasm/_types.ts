/**
 * The generated message types of the module version in use (one place names the versioned
 * folder besides `_module.ts`). Internal: import `mod.ts`.
 *
 * @module
 */
export type * from "./generated/v0.1.0/types.ts";
