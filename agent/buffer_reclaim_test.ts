import { equal } from "node:assert/strict";

/** Runs a script that notes `megabytes` of buffers, with or without V8's `gc`. */
async function reclaims(megabytes: number, exposeGc: boolean): Promise<number> {
  const module = new URL("./buffer_reclaim.ts", import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(module)});` +
    `for (let i = 0; i < ${megabytes}; i++) m.noteBufferBytes(1024 * 1024);` +
    `console.log(m.reclaimCount());`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", ...(exposeGc ? ["--v8-flags=--expose-gc"] : []), script],
    stdout: "piped",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

Deno.test("noteBufferBytes() asks for a young-generation collection every RECLAIM_EVERY_BYTES", async () => {
  const { RECLAIM_EVERY_BYTES } = await import("./buffer_reclaim.ts");
  const megabytes = 3 * RECLAIM_EVERY_BYTES / (1024 * 1024);
  equal(await reclaims(megabytes, true), 3);
});

Deno.test("noteBufferBytes() does nothing where V8's gc is not exposed", async () => {
  equal(await reclaims(16, false), 0);
});
