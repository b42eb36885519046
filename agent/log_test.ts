import { deepEqual, equal } from "node:assert/strict";
import { createLogger, levelFromFilter } from "./log.ts";

Deno.test("levelFromFilter() reads bare and mirrord-scoped RUST_LOG directives", () => {
  equal(levelFromFilter(undefined), "info");
  equal(levelFromFilter("warn"), "warn");
  equal(levelFromFilter("hyper=trace,mirrord=debug"), "debug");
  equal(levelFromFilter("nonsense"), "info");
});

Deno.test("createLogger() prefixes lines and drops levels above the filter", () => {
  const lines: string[] = [];
  const log = createLogger({ RUST_LOG: "warn" }, (line) => lines.push(line));
  log.info("hidden");
  log.warn("shown");
  deepEqual(lines, ["[agent] WARN shown"]);
  const json: string[] = [];
  createLogger({ MIRRORD_AGENT_JSON_LOG: "true" }, (line) => json.push(line)).info("x");
  equal(JSON.parse(json[0]).message, "x");
});
