/**
 * The one home of configuration types shared by every component: the resolved config's types
 * and defaults, the `MIRRORD_RESOLVED_CONFIG` codec, and our JSON Schema of the config file.
 * intproxy and agent import from here, never from `cli/`.
 *
 * @module
 */
export * from "./resolved_config.ts";
export {
  DEFAULT_AGENT_IMAGE_REGISTRY,
  DEFAULT_CLI_IMAGE_REGISTRY,
  defaultResolvedConfig,
  MIRRORD_COMPAT_VERSION,
} from "./resolved_defaults.ts";
export {
  decodeResolvedConfig,
  encodeResolvedConfig,
  RESOLVED_CONFIG_ENV,
  ResolvedConfigDecodeError,
  toList,
} from "./resolved_config_codec.ts";
export { buildConfigSchema, CONFIG_SCHEMA_ID } from "./config_schema.ts";
