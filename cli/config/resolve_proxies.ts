/**
 * Resolves the sections without environment variables: `internal_proxy`, `external_proxy`,
 * `container`, `experimental`, `startup_retry` and `ci` — each is its defaults with the
 * file's values on top.
 *
 * @module
 */
import { defaultResolvedConfig, type ResolvedConfig } from "../../schema/mod.ts";
import { section } from "./field_source.ts";

type Sections = Pick<
  ResolvedConfig,
  "internal_proxy" | "external_proxy" | "container" | "experimental" | "startup_retry" | "ci"
>;

function overlay<T extends object>(defaults: T, file: unknown): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(section(file))) {
    if (value !== null && value !== undefined && key in out) out[key] = value;
  }
  return out as T;
}

/**
 * Resolves the sections that only the file and defaults feed.
 *
 * @param file the whole parsed file
 * @returns those sections
 */
export function resolveFileOnlySections(file: Record<string, unknown>): Sections {
  const d = defaultResolvedConfig();
  const experimental = overlay(d.experimental, file.experimental);
  const latency = section(file.experimental).latency;
  if (latency) {
    const l = section(latency);
    experimental.latency = {
      receive_delay: (l.receive_delay as number | undefined) ?? null,
      transmit_delay: (l.transmit_delay as number | undefined) ?? null,
    };
  }
  return {
    internal_proxy: overlay(d.internal_proxy, file.internal_proxy),
    external_proxy: overlay(d.external_proxy, file.external_proxy),
    container: overlay(d.container, file.container),
    experimental,
    startup_retry: overlay(d.startup_retry, file.startup_retry),
    ci: overlay(d.ci, file.ci),
  };
}
