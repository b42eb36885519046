/**
 * The agent's optional metrics endpoint (`--metrics <ip:port>` / `MIRRORD_AGENT_METRICS`, how-it-works
 * §3.1): plain HTTP, `GET /metrics` in Prometheus text format. Values are read when scraped, from
 * callbacks the agent registers, so counting costs nothing on the data path beyond the counters
 * the features keep anyway.
 *
 * Bound in the agent's own network namespace (before it enters the target's), like the client
 * listener, so it is reachable where the agent pod is.
 *
 * @module
 */
import type { Logger } from "./log.ts";

/** One exported value. */
interface Metric {
  name: string;
  help: string;
  type: "gauge" | "counter";
  read: () => number;
}

/** The registry behind `/metrics`. */
export class AgentMetrics {
  private readonly metrics: Metric[] = [];

  /**
   * A value that goes up and down (mirrord's gauges).
   *
   * @param name the metric name
   * @param help one line describing it
   * @param read its current value
   */
  gauge(name: string, help: string, read: () => number): void {
    this.metrics.push({ name, help, type: "gauge", read });
  }

  /**
   * A value that only grows (totals since the agent started).
   *
   * @param name the metric name, ending in `_total`
   * @param help one line describing it
   * @param read its current value
   */
  counter(name: string, help: string, read: () => number): void {
    this.metrics.push({ name, help, type: "counter", read });
  }

  /** @returns every metric in Prometheus text format */
  render(): string {
    return this.metrics.map((m) =>
      `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name} ${m.read()}\n`
    ).join("");
  }
}

/**
 * Splits `ip:port` (`[v6]:port` for IPv6).
 *
 * @param address the `--metrics` value
 * @returns hostname and port
 * @throws {Error} for anything else
 */
export function parseMetricsAddress(address: string): { hostname: string; port: number } {
  const match = /^\[?([^\[\]]+?)\]?:(\d{1,5})$/.exec(address);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new Error(
      `Cannot serve metrics at "${address}": expected <ip>:<port>, e.g. 0.0.0.0:9000`,
    );
  }
  return { hostname: match[1], port };
}

/**
 * Starts the metrics endpoint.
 *
 * @param address `ip:port`
 * @param metrics what to serve
 * @param log the agent logger
 * @returns the server (it runs until the agent exits)
 */
export function serveMetrics(address: string, metrics: AgentMetrics, log: Logger): Deno.HttpServer {
  const { hostname, port } = parseMetricsAddress(address);
  const server = Deno.serve({ hostname, port, onListen: () => {} }, (request) => {
    if (new URL(request.url).pathname !== "/metrics") {
      return new Response("not found\n", { status: 404 });
    }
    return new Response(metrics.render(), {
      headers: { "content-type": "text/plain; version=0.0.4" },
    });
  });
  log.info(`metrics at http://${address}/metrics`);
  return server;
}
