/**
 * Resolves `feature`: env, fs, network (in its own file), copy target, magic, hostname and the
 * operator-only sections (passed through as written).
 *
 * @module
 */
import {
  type CopyTargetConfig,
  defaultResolvedConfig,
  type EnvConfig,
  type FeatureConfig,
  type FsConfig,
  type FsMode,
  type MagicConfig,
} from "../../schema/mod.ts";
import type { ConfigEnv } from "./config_env.ts";
import { envBool, envChoice, envList, envString } from "./env_value.ts";
import { fileList, fileValue, firstSet, section } from "./field_source.ts";
import { resolveNetwork } from "./resolve_network.ts";

function resolveEnv(file: unknown, env: ConfigEnv): EnvConfig {
  const e = section(file);
  const include = envList(env, "MIRRORD_OVERRIDE_ENV_VARS_INCLUDE");
  const exclude = envList(env, "MIRRORD_OVERRIDE_ENV_VARS_EXCLUDE");
  return {
    include: firstSet(include, file === false ? null : fileList(e.include, true)) ?? null,
    exclude: firstSet(exclude, file === false ? ["*"] : fileList(e.exclude, true)) ?? null,
    override: fileValue(e, "override") ?? null,
    load_from_process: firstSet(
      envBool(env, "MIRRORD_ENV_LOAD_FROM_PROCESS", "feature.env.load_from_process"),
      fileValue(e, "load_from_process"),
    ) ?? null,
    unset: fileList(e.unset, true),
    env_file:
      firstSet(envString(env, "MIRRORD_OVERRIDE_ENV_VARS_FILE"), fileValue(e, "env_file")) ??
        null,
    mapping: fileValue(e, "mapping") ?? null,
  };
}

const FS_MODES = ["local", "localwithoverrides", "read", "write"] as const;

function fsModeFromEnv(env: ConfigEnv): FsMode | undefined {
  const mode = envChoice(env, "MIRRORD_FILE_MODE", "feature.fs.mode", FS_MODES);
  if (mode !== undefined) return mode;
  const write = envBool(env, "MIRRORD_FILE_OPS", "feature.fs.mode");
  const read = envBool(env, "MIRRORD_FILE_RO_OPS", "feature.fs.mode");
  if (write) return "write";
  if (read) return "read";
  if (write === false && read === false) return "local";
  return undefined;
}

function patterns(env: ConfigEnv, name: string, value: unknown): string[] | null {
  return firstSet(envList(env, name), fileList(value)) ?? null;
}

function resolveFs(file: unknown, env: ConfigEnv): FsConfig {
  const d = defaultResolvedConfig().feature.fs;
  const f = section(file);
  const fileMode: FsMode | undefined = file === false
    ? "local"
    : typeof file === "string"
    ? file as FsMode
    : fileValue(f, "mode");
  return {
    mode: firstSet(fsModeFromEnv(env), fileMode) ?? d.mode,
    read_write: patterns(env, "MIRRORD_FILE_READ_WRITE_PATTERN", f.read_write),
    read_only: patterns(env, "MIRRORD_FILE_READ_ONLY_PATTERN", f.read_only),
    local: patterns(env, "MIRRORD_FILE_LOCAL_PATTERN", f.local),
    not_found: fileList(f.not_found),
    mapping: fileValue(f, "mapping") ?? null,
    readonly_file_buffer: fileValue(f, "readonly_file_buffer") ?? d.readonly_file_buffer,
  };
}

function resolveCopyTarget(file: unknown): CopyTargetConfig {
  const d = defaultResolvedConfig().feature.copy_target;
  if (typeof file === "boolean") return { ...d, enabled: file };
  if (typeof file !== "object" || file === null) return d;
  const c = file as Record<string, unknown>;
  return {
    enabled: fileValue(c, "enabled") ?? true,
    scale_down: fileValue(c, "scale_down") ?? false,
    exclude_containers: fileValue(c, "exclude_containers") ?? [],
    exclude_init_containers: fileValue(c, "exclude_init_containers") ?? [],
  };
}

function resolveMagic(file: unknown): MagicConfig {
  const m = section(file);
  return {
    aws: fileValue(m, "aws") ?? true,
    auto_mount: fileValue(m, "auto_mount") ?? true,
    turbo: fileValue(m, "turbo") ?? true,
  };
}

/**
 * Resolves `feature`.
 *
 * @param file the file's `feature` value
 * @param env variables
 * @returns the resolved section
 */
export function resolveFeature(file: unknown, env: ConfigEnv): FeatureConfig {
  const f = section(file);
  return {
    env: resolveEnv(f.env, env),
    fs: resolveFs(f.fs, env),
    network: resolveNetwork(f.network, env),
    copy_target: resolveCopyTarget(f.copy_target),
    hostname: fileValue(f, "hostname") ?? true,
    split_queues: fileValue(f, "split_queues") ?? null,
    db_branches: fileValue(f, "db_branches") ?? [],
    magic: resolveMagic(f.magic),
    preview: section(f.preview),
  };
}
