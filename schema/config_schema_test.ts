import assert from "node:assert/strict";
import { SCHEMA_FILE, schemaFileText } from "./build_schema.ts";
import { buildConfigSchema } from "./config_schema.ts";

Deno.test("schemaFileText() matches the committed mirrord.schema.json (run `deno task schema`)", async () => {
  assert.equal(await Deno.readTextFile(SCHEMA_FILE), schemaFileText());
});

Deno.test("buildConfigSchema() describes every top-level key and rejects unknown ones", () => {
  const schema = buildConfigSchema() as {
    additionalProperties: boolean;
    properties: Record<string, { description?: string; anyOf?: unknown[] }>;
    $defs: Record<string, { description?: string }>;
  };
  assert.equal(schema.additionalProperties, false);
  for (const [key, property] of Object.entries(schema.properties)) {
    const ref = (property.anyOf?.[0] as { $ref?: string } | undefined)?.$ref;
    const described = property.description ??
      (ref ? schema.$defs[ref.replace("#/$defs/", "")]?.description : undefined);
    assert.ok(described, `top-level key "${key}" has no description`);
  }
});
