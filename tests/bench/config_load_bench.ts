/**
 * Load + validate of mirrord's complete example config: read the file, render the template,
 * parse, check the schema, resolve, adjust, verify. `deno task bench` prints the figures.
 */
import { ConfigEnv } from "../../cli/config/config_env.ts";
import { loadConfig } from "../../cli/config/load_config.ts";
import { compileConfigSchema } from "../../cli/config/schema_validator.ts";
import { buildConfigSchema } from "../../schema/mod.ts";

const COMPLETE = new URL("../config_corpus/reference_examples/complete.json", import.meta.url)
  .pathname;
const env = new ConfigEnv({ MIRRORD_CONFIG_FILE: COMPLETE, MIRRORD_KEY: "bench" }, {
  HOME: "/home/bench",
});

Deno.bench("loadConfig() of the complete example (warm: schema compiled once)", async () => {
  await loadConfig({ env, emptyTargetIsFinal: true });
});

Deno.bench("compileConfigSchema() of our schema (paid once per CLI run)", () => {
  compileConfigSchema(buildConfigSchema());
});
