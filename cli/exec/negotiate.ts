/**
 * Protocol negotiation on the CLI's agent connection (how-it-works.md §1.5 step 10): send our
 * version, expect `SwitchProtocolVersionResponse` as the very next message, then refuse an HTTP
 * filter the agent is too old for.
 *
 * @module
 */
import { type GateName, PROTOCOL_VERSION, supports } from "../../protocol-wasm/mod.ts";
import type { HttpFilterConfig } from "../../schema/mod.ts";
import { CliError } from "../_errors.ts";
import type { AgentLink } from "./agent_link.ts";

/**
 * Negotiates the protocol version.
 *
 * @param link the CLI's agent connection
 * @param timeoutMs how long to wait for the answer
 * @returns the settled version
 * @throws {CliError} when the agent answers anything else, or nothing
 */
export async function negotiateVersion(link: AgentLink, timeoutMs: number): Promise<string> {
  try {
    await link.send({ SwitchProtocolVersion: PROTOCOL_VERSION });
    const reply = await link.receive(timeoutMs);
    if (typeof reply === "object" && "SwitchProtocolVersionResponse" in reply) {
      return reply.SwitchProtocolVersionResponse;
    }
    const what = typeof reply === "object" && "Close" in reply
      ? `it closed the session: ${reply.Close}`
      : `it answered ${typeof reply === "string" ? reply : Object.keys(reply)[0]}`;
    throw new CliError(`Cannot negotiate the protocol version with the agent: ${what}`, {
      hint: "check that connect_tcp points at a mirrord agent",
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `Cannot negotiate the protocol version with the agent: ${(error as Error).message}`,
      { hint: "check that connect_tcp points at a mirrord agent", cause: error },
    );
  }
}

/**
 * The HTTP filter features the config uses, each with the gate the agent must pass.
 *
 * @param filter `feature.network.incoming.http_filter`
 * @returns the features in use
 */
function filterFeatures(filter: HttpFilterConfig): [string, GateName][] {
  const inner = [...filter.all_of ?? [], ...filter.any_of ?? []];
  const features: [string, GateName][] = [];
  if (filter.all_of || filter.any_of) {
    features.push(["all_of/any_of", "HTTP_COMPOSITE_FILTER_VERSION"]);
  }
  if (filter.method_filter || inner.some((f) => "method" in f)) {
    features.push(["method filters", "HTTP_METHOD_FILTER_VERSION"]);
  }
  if (filter.body_filter || inner.some((f) => "body" in f)) {
    features.push(["body filters", "HTTP_BODY_JSON_FILTER_VERSION"]);
  }
  if (filter.header_filter_jq) {
    features.push(["jq header filters", "HTTP_HEADER_JQ_FILTER_VERSION"]);
  }
  return features;
}

/**
 * Refuses an HTTP filter the agent cannot apply.
 *
 * @param filter `feature.network.incoming.http_filter`
 * @param version the settled protocol version
 * @throws {CliError} naming the feature and the version it needs
 */
export function checkHttpFilterSupport(filter: HttpFilterConfig, version: string): void {
  for (const [feature, gate] of filterFeatures(filter)) {
    if (!supports(gate, version)) {
      throw new CliError(
        `Cannot use HTTP ${feature}: the agent speaks protocol ${version}, which lacks them`,
        {
          hint: "use a newer agent image or remove them from feature.network.incoming.http_filter",
        },
      );
    }
  }
}
