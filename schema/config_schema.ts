/**
 * Assembles mirrord-ts's JSON Schema of the configuration file out of its sections. The
 * committed `mirrord.schema.json` is this object, written by `deno task schema`.
 *
 * @module
 */
import { agentDefs } from "./sections/agent.ts";
import { featureDefs } from "./sections/feature.ts";
import { networkDefs } from "./sections/network.ts";
import { operatorDefs } from "./sections/operator.ts";
import { proxyDefs } from "./sections/proxies.ts";
import { rootDefs, rootProperties } from "./sections/root.ts";
import { targetDefs } from "./sections/target.ts";
import type { JsonSchema } from "./sections/_builders.ts";

export type { JsonSchema };

/** The `$id` editors and `$schema` references use. */
export const CONFIG_SCHEMA_ID = "https://mirrord-ts.dev/schema/mirrord.schema.json";

/**
 * Builds the whole schema (draft 2020-12).
 *
 * @returns a fresh schema object, definitions sorted by name
 * @example Validate with ajv
 * ```ts
 * import Ajv2020 from "ajv/dist/2020";
 * const schema = buildConfigSchema();
 * ```
 */
export function buildConfigSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {
    ...rootDefs,
    ...agentDefs,
    ...targetDefs,
    ...featureDefs,
    ...networkDefs,
    ...operatorDefs,
    ...proxyDefs,
  };
  const sorted = Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b)));
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: CONFIG_SCHEMA_ID,
    title: "mirrord configuration",
    description:
      "Configuration of a mirrord session (mirrord-ts accepts mirrord's format). Every key is optional; unknown keys are errors.",
    type: "object",
    additionalProperties: false,
    properties: rootProperties,
    $defs: sorted,
  };
}
