/**
 * `mirrord verify-config [--ide] [--resolved] [--format json|human] <path>` (hidden, like
 * mirrord's): resolves and verifies a config file and prints the verdict.
 *
 * Output: with `--ide`, always mirrord's JSON verdict and exit 0, exactly the contract IDE
 * plugins rely on; a missing target is then not treated as targetless. Otherwise the format is
 * JSON when stdout is not a terminal and a human report when it is (`--format` overrides), and
 * the exit status is 1 when the config fails.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { stderrColors, stdoutColors } from "../terminal_colors.ts";
import { type ResolvedConfig, sessionKeyValue, type TargetObject } from "../../schema/mod.ts";
import { ReportedFailure } from "../_errors.ts";
import { ConfigEnv } from "../config/config_env.ts";
import { ConfigError } from "../config/config_error.ts";
import { loadConfig } from "../config/load_config.ts";

/** mirrord's verdict JSON. */
export type Verdict =
  | {
    type: "Success";
    config: { path: TargetObject | "targetless" | null; namespace: string | null };
    warnings: string[];
    compatible_target_types: string[];
    resolved_config?: Record<string, unknown>;
  }
  | { type: "Fail"; errors: string[] };

const TARGET_TYPE_ORDER = [
  "targetless",
  "pod",
  "deployment",
  "rollout",
  "job",
  "cronjob",
  "statefulset",
  "service",
  "replicaset",
];

/**
 * Target types an IDE may offer for this config (mirrord's rule for `compatible_target_types`).
 *
 * @param config the resolved config
 * @returns type names in mirrord's fixed order
 */
export function compatibleTargetTypes(config: ResolvedConfig): string[] {
  const copy = config.feature.copy_target;
  return TARGET_TYPE_ORDER.filter((type) => {
    if (["targetless", "rollout", "service"].includes(type)) return !copy.enabled;
    if (type === "pod") return !(copy.enabled && copy.scale_down);
    return true;
  });
}

/** Options of {@link verifyConfigFile}. */
export interface VerifyOptions {
  ide: boolean;
  resolved: boolean;
  env?: ConfigEnv;
}

/**
 * Resolves and verifies a config file into mirrord's verdict.
 *
 * @param path the file (`-` for stdin)
 * @param options `--ide`, `--resolved` and the environment to resolve against
 * @returns the verdict; never throws for a bad config
 */
export async function verifyConfigFile(path: string, options: VerifyOptions): Promise<Verdict> {
  const env = (options.env ?? ConfigEnv.fromProcess()).with({ MIRRORD_CONFIG_FILE: path });
  try {
    const { config, warnings } = await loadConfig({ env, emptyTargetIsFinal: !options.ide });
    const targetPath = config.target.path;
    const verdict: Verdict = {
      type: "Success",
      config: {
        path: targetPath === null ? "targetless" : targetPath ?? null,
        namespace: config.target.namespace ?? null,
      },
      warnings,
      compatible_target_types: compatibleTargetTypes(config),
    };
    if (options.resolved) {
      verdict.resolved_config = { ...config, key: sessionKeyValue(config.key) };
    }
    return verdict;
  } catch (error) {
    if (error instanceof ConfigError) return { type: "Fail", errors: error.problemLines() };
    throw error;
  }
}

function targetText(path: TargetObject | "targetless" | null): string {
  if (path === null) return "no target (targetless unless one is given at run time)";
  if (path === "targetless") return "targetless";
  const [type, name] = Object.entries(path).find(([k]) => k !== "container")!;
  return `${type} ${JSON.stringify(name)}${
    path.container ? `, container "${path.container}"` : ""
  }`;
}

/**
 * Renders a verdict for people.
 *
 * @param path the file that was checked
 * @param verdict its verdict
 * @returns lines to print
 */
export function humanVerdict(path: string, verdict: Verdict): string[] {
  const pc = verdict.type === "Fail" ? stderrColors : stdoutColors;
  if (verdict.type === "Fail") {
    const count = verdict.errors.length;
    return [
      `${pc.red("✗")} ${path} is not a valid mirrord config (${count} problem${
        count > 1 ? "s" : ""
      }):`,
      ...verdict.errors.map((line) => `  - ${line}`),
    ];
  }
  const lines = [
    `${pc.green("✓")} ${path} is a valid mirrord config`,
    `  target: ${targetText(verdict.config.path)}`,
  ];
  if (verdict.config.namespace) lines.push(`  namespace: ${verdict.config.namespace}`);
  for (const warning of verdict.warnings) lines.push(`  ${pc.yellow("warning:")} ${warning}`);
  if (verdict.resolved_config) {
    lines.push("  resolved config:", JSON.stringify(verdict.resolved_config, null, 2));
  }
  return lines;
}

/**
 * Builds the `verify-config` command.
 *
 * @returns the command, to attach to the root
 */
export function verifyConfigCommand() {
  return new Command("verify-config")
    .description("check a config file and print the verdict (JSON for IDEs and scripts)")
    .argument("<path>", "config file (.json, .toml, .yaml, .yml; - for stdin)")
    .option("--ide", "IDE mode: JSON verdict, exit 0, a missing target is not targetless")
    .option("--resolved", "include the whole resolved config in the verdict")
    .addOption(
      new Option("--format <format>", "json or human (default: human on a terminal)").choices(
        ["json", "human"] as const,
      ),
    )
    .action(async (path, options) => {
      const verdict = await verifyConfigFile(path, {
        ide: options.ide ?? false,
        resolved: options.resolved ?? false,
      });
      const format = options.ide ? "json" : options.format ??
        (Deno.stdout.isTerminal() ? "human" : "json");
      if (format === "json") console.log(JSON.stringify(verdict, null, 2));
      else if (verdict.type === "Fail") {
        humanVerdict(path, verdict).forEach((l) => console.error(l));
      } else humanVerdict(path, verdict).forEach((l) => console.log(l));
      if (verdict.type === "Fail" && !options.ide) throw new ReportedFailure(1);
    });
}
