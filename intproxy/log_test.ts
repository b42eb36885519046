import assert from "node:assert/strict";
import { levelForTarget, Logger } from "./log.ts";

Deno.test("levelForTarget() takes the directive with the longest matching target", () => {
  assert.equal(levelForTarget("mirrord=info,warn", "mirrord_intproxy"), "info");
  assert.equal(levelForTarget("mirrord=debug,mirrord_intproxy=error", "mirrord_intproxy"), "error");
  assert.equal(levelForTarget("warn", "mirrord_intproxy"), "warn");
  assert.equal(levelForTarget("other=trace,error", "mirrord_intproxy"), "error");
});

Deno.test("levelForTarget() turns logging off with off and defaults to error", () => {
  assert.equal(levelForTarget("mirrord=off", "mirrord_intproxy"), null);
  assert.equal(levelForTarget("", "mirrord_intproxy"), "error");
});

Deno.test("Logger writes JSON lines with level, target, message and fields at enabled levels", async () => {
  const path = await Deno.makeTempFile();
  const file = Deno.openSync(path, { append: true });
  const log = new Logger({ file, filter: "mirrord=info", json: true });
  log.debug("hidden");
  log.info("layer connected", { pid: 42, layer: 0n });
  file.close();
  const lines = Deno.readTextFileSync(path).trim().split("\n");
  await Deno.remove(path);
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0]);
  assert.equal(record.level, "INFO");
  assert.equal(record.target, "mirrord_intproxy");
  assert.equal(record.message, "layer connected");
  assert.equal(record.pid, 42);
  assert.equal(record.layer, "0");
  assert.ok(!Number.isNaN(Date.parse(record.timestamp)));
});

Deno.test("Logger writes plain text lines when json_log is off", async () => {
  const path = await Deno.makeTempFile();
  const file = Deno.openSync(path, { append: true });
  new Logger({ file, filter: "info", json: false }).warn("slow agent", { ms: 900 });
  file.close();
  const text = Deno.readTextFileSync(path);
  await Deno.remove(path);
  assert.match(text, /^\S+ {2}WARN slow agent ms=900\n$/);
});
