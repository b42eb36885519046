/**
 * Writes `schema/mirrord.schema.json` from the section files (`deno task schema`). A unit test
 * fails when the committed file and the sections disagree.
 *
 * @module
 */
import { buildConfigSchema } from "./config_schema.ts";

/** Where the committed schema lives, relative to the repository root. */
export const SCHEMA_FILE = new URL("./mirrord.schema.json", import.meta.url);

/**
 * The exact text of the committed schema file.
 *
 * @returns pretty-printed JSON with a trailing newline
 */
export function schemaFileText(): string {
  return JSON.stringify(buildConfigSchema(), null, 2) + "\n";
}

if (import.meta.main) {
  await Deno.writeTextFile(SCHEMA_FILE, schemaFileText());
  console.log(`wrote ${SCHEMA_FILE.pathname}`);
}
