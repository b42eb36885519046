import assert from "node:assert/strict";
import { defaultResolvedConfig } from "../../schema/mod.ts";
import { configSummary } from "./config_summary.ts";

Deno.test("configSummary() words each line as mirrord does", () => {
  const config = defaultResolvedConfig();
  config.target = { path: { pod: "api-7f", container: "main" }, namespace: "prod" };
  config.feature.env.exclude = ["SECRET"];
  config.feature.fs.mode = "write";
  config.feature.network.incoming.mode = "steal";
  config.feature.network.outgoing.udp = false;
  config.feature.network.dns.filter = { local: ["internal.corp"] };
  assert.deepEqual(configSummary(config, ["node", "app.js"], "m.json", "/tmp/ip.log"), [
    "Running command: node app.js",
    "mirrord will target: pod/api-7f/container/main, the configuration file was loaded from m.json",
    "mirrord will run without the mirrord Operator",
    "env: not all remote environment variables will be fetched",
    "fs: file operations will default to read from and write to the remote",
    "incoming: incoming traffic will be stolen",
    "outgoing: forwarding is enabled on TCP",
    "dns: DNS will be resolved remotely with exceptions",
    "internal proxy: logs will be written to /tmp/ip.log",
  ]);
});

Deno.test("configSummary() covers targetless, no env, local fs and disabled network", () => {
  const config = defaultResolvedConfig();
  config.feature.env.exclude = ["*"];
  config.feature.fs.mode = "local";
  config.feature.network.incoming.mode = "off";
  config.feature.network.outgoing.tcp = false;
  config.feature.network.outgoing.udp = false;
  config.feature.network.dns.enabled = false;
  const lines = configSummary(config, ["x"], null, "/l");
  assert.equal(lines[1], "mirrord will run without a target, no configuration file was loaded");
  assert.equal(lines[3], "env: no remote environment variables will be fetched");
  assert.equal(lines[4], "fs: file operations will default to read and write locally");
  assert.equal(lines[5], "incoming: incoming traffic will be ignored");
  assert.equal(lines[6], "outgoing: forwarding is disabled on TCP and UDP");
  assert.equal(lines[7], "dns: DNS will be resolved locally");
});
