/**
 * Small constructors for the JSON Schema fragments every section repeats: nullable scalars,
 * "one value or a list", toggles (`true`/`false` or the full object) and strict objects.
 *
 * @module
 */

/** A JSON Schema fragment (draft 2020-12). */
export type JsonSchema = { [key: string]: unknown };

/** A `$ref` to a definition in `$defs`. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/$defs/${name}` };
}

/** The schema, or `null`. */
export function orNull(schema: JsonSchema, description?: string): JsonSchema {
  return withDescription({ anyOf: [schema, { type: "null" }] }, description);
}

function withDescription(schema: JsonSchema, description?: string): JsonSchema {
  return description ? { ...schema, description } : schema;
}

/** A boolean or `null` (unset: the default applies). */
export function optBool(description: string): JsonSchema {
  return withDescription({ type: ["boolean", "null"] }, description);
}

/** A string or `null`. */
export function optString(description: string, extra: JsonSchema = {}): JsonSchema {
  return withDescription({ type: ["string", "null"], ...extra }, description);
}

const UNSIGNED: Record<string, number | undefined> = {
  uint16: 65535,
  uint32: 4294967295,
  uint64: undefined,
};

/** An unsigned integer of the given width, or `null`. */
export function optUint(width: "uint16" | "uint32" | "uint64", description: string): JsonSchema {
  return withDescription({ ...uint(width), type: ["integer", "null"] }, description);
}

/** An unsigned integer of the given width. */
export function uint(width: "uint16" | "uint32" | "uint64"): JsonSchema {
  const maximum = UNSIGNED[width];
  return maximum === undefined
    ? { type: "integer", format: width, minimum: 0 }
    : { type: "integer", format: width, minimum: 0, maximum };
}

/** A list of strings or `null`. */
export function optStringList(description: string): JsonSchema {
  return withDescription({ type: ["array", "null"], items: { type: "string" } }, description);
}

/** A map of string to string, or `null`. */
export function optStringMap(description: string): JsonSchema {
  return { type: ["object", "null"], additionalProperties: { type: "string" }, description };
}

/** A strict object: only the listed keys are allowed. */
export function strictObject(
  properties: Record<string, JsonSchema>,
  description?: string,
  required?: string[],
): JsonSchema {
  const schema: JsonSchema = { type: "object", additionalProperties: false, properties };
  if (required) schema.required = required;
  return withDescription(schema, description);
}

/** A string constant (one variant of a `oneOf` of names). */
export function constString(value: string, description?: string): JsonSchema {
  return withDescription({ type: "string", const: value }, description);
}

/** One of several string constants, each with its own description. */
export function oneOfStrings(values: Record<string, string>, description?: string): JsonSchema {
  return withDescription(
    { oneOf: Object.entries(values).map(([value, text]) => constString(value, text)) },
    description,
  );
}

/** `true`/`false` or the section's full object form. */
export function toggle(definition: string, description: string): JsonSchema {
  return { anyOf: [{ type: "boolean" }, ref(definition)], description };
}
