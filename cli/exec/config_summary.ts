/**
 * The config summary `mirrord exec` prints before starting the app (how-it-works.md §1.6), in
 * mirrord's wording and order.
 *
 * @module
 */
import type { ResolvedConfig, TargetObject } from "../../schema/mod.ts";
import { targetType } from "../config/target_path.ts";

function targetText(path: TargetObject | null | undefined): string | null {
  if (!path) return null;
  const key = Object.keys(path).find((k) => k !== "container")!;
  const value = (path as Record<string, unknown>)[key];
  const name = typeof value === "string" ? value : JSON.stringify(value);
  const container = path.container ? `/container/${path.container}` : "";
  return `${targetType(path)}/${name}${container}`;
}

function dnsText(config: ResolvedConfig): string {
  const dns = config.feature.network.dns;
  if (!dns.enabled) return "locally";
  const filter = dns.filter;
  if (!filter) return "remotely";
  if ("remote" in filter) return filter.remote.length ? "locally with exceptions" : "locally";
  return filter.local.length ? "remotely with exceptions" : "remotely";
}

/**
 * The summary lines.
 *
 * @param config the resolved config
 * @param command the app's argv
 * @param configPath the config file, or null
 * @param logPath the intproxy log file
 * @returns one line per item
 */
export function configSummary(
  config: ResolvedConfig,
  command: string[],
  configPath: string | null,
  logPath: string,
): string[] {
  const feature = config.feature;
  const target = targetText(config.target.path);
  const env = feature.env.exclude?.includes("*")
    ? "no"
    : feature.env.include?.length || feature.env.exclude?.length
    ? "not all"
    : "all";
  const fs = {
    read: "read from the remote",
    write: "read from and write to the remote",
    local: "read and write locally",
    localwithoverrides: "read and write locally",
  }[feature.fs.mode];
  const incoming = { mirror: "mirrored", steal: "stolen", off: "ignored" }[
    feature.network.incoming.mode
  ];
  const { tcp, udp } = feature.network.outgoing;
  const outgoing = tcp && udp
    ? "forwarding is enabled on TCP and UDP"
    : tcp
    ? "forwarding is enabled on TCP"
    : udp
    ? "forwarding is enabled on UDP"
    : "forwarding is disabled on TCP and UDP";
  return [
    `Running command: ${command.join(" ")}`,
    (target ? `mirrord will target: ${target}` : "mirrord will run without a target") +
    (configPath
      ? `, the configuration file was loaded from ${configPath}`
      : ", no configuration file was loaded"),
    `mirrord will run ${config.operator ? "with" : "without"} the mirrord Operator`,
    `env: ${env} remote environment variables will be fetched`,
    `fs: file operations will default to ${fs}`,
    `incoming: incoming traffic will be ${incoming}`,
    `outgoing: ${outgoing}`,
    `dns: DNS will be resolved ${dnsText(config)}`,
    `internal proxy: logs will be written to ${logPath}`,
  ];
}
