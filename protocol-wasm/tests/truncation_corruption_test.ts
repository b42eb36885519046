/**
 * Truncated input is "need more", never an error; corrupt input is a ProtocolDecodeError naming
 * the type and the offset; random bytes never do anything else (a short fuzz run; the full one is
 * `deno task fuzz:protocol`).
 */
import { deepStrictEqual as assertEquals, equal, ok } from "node:assert/strict";
import {
  ClientMessageDecoder,
  DaemonMessageDecoder,
  encodeClientMessage,
  encodeDaemonMessage,
  LayerFrameDecoder,
  ProtocolDecodeError,
} from "../mod.ts";
import { wasm } from "../_module.ts";
import type { SchemaJson } from "../render_types.ts";
import { Arbitrary, seededRandom } from "./arbitrary.ts";
import { fuzz } from "../fuzz.ts";
import { hex } from "./hex.ts";

const schema: SchemaJson = JSON.parse(wasm.describe());

Deno.test("DaemonMessageDecoder.next() answers 'need more' for every strict prefix of a message", () => {
  const arbitrary = new Arbitrary(schema, seededRandom(11));
  const daemon = schema.kinds.find((k) => k.kind === "daemon")!.type;
  for (const target of arbitrary.targets(daemon)) {
    const message = arbitrary.value(daemon, target);
    const bytes = encodeDaemonMessage(message as never);
    for (let cut = 0; cut < bytes.length; cut++) {
      const decoder = new DaemonMessageDecoder();
      decoder.push(bytes.subarray(0, cut));
      equal(decoder.next(), undefined, `${target.enumName}::${target.variant} cut at ${cut}`);
      decoder.push(bytes.subarray(cut));
      assertEquals(decoder.next(), message);
      decoder.free();
    }
  }
});

Deno.test("ClientMessageDecoder.next() answers 'need more' for every strict prefix of a message", () => {
  const arbitrary = new Arbitrary(schema, seededRandom(12));
  const client = schema.kinds.find((k) => k.kind === "client")!.type;
  for (const target of arbitrary.targets(client)) {
    const bytes = encodeClientMessage(arbitrary.value(client, target) as never);
    for (let cut = 0; cut < bytes.length; cut++) {
      const decoder = new ClientMessageDecoder();
      decoder.push(bytes.subarray(0, cut));
      equal(decoder.next(), undefined, `${target.enumName}::${target.variant} cut at ${cut}`);
      decoder.free();
    }
  }
});

const CORRUPT: [string, string, string, string | null, number][] = [
  // [what, bytes, typeName, field, offset]
  ["unknown DaemonMessage index", "10", "DaemonMessage", null, 0],
  ["unknown FileResponse index", "06 17", "FileResponse", null, 1],
  [
    "bad bool in PauseResponse",
    "0a 00 01 07",
    "DaemonPauseTarget::PauseResponse",
    "container_paused",
    3,
  ],
  ["bad Result tag", "06 00 02", "FileResponse::Open", "0", 2],
  ["bad IpAddr family", "09 00 01 01 61 02", "LookupRecord", "ip", 5],
  ["bad UTF-8 in Close reason", "00 02 ff fe", "DaemonMessage::Close", "0", 1],
  ["bad HTTP status", "01 04 03 47 45 54", "DaemonTcp", null, 1],
  ["varint marker FF in a length", "00 ff", "DaemonMessage::Close", "0", 1],
];

for (const [what, bytes, typeName, field, offset] of CORRUPT) {
  Deno.test(`DaemonMessageDecoder.next() names type and offset for ${what}`, () => {
    const decoder = new DaemonMessageDecoder();
    decoder.push(hex(bytes));
    let error: unknown;
    try {
      decoder.next();
    } catch (e) {
      error = e;
    }
    if (typeName === "DaemonTcp") {
      // 01 04 …: HttpRequest whose method "GET" is followed by nothing — still incomplete.
      equal(error, undefined);
      return;
    }
    ok(error instanceof ProtocolDecodeError, `${what}: ${error}`);
    equal(error.typeName, typeName);
    equal(error.field, field);
    equal(error.offset, offset);
    equal(error.messageType, "DaemonMessage");
  });
}

Deno.test("ProtocolDecodeError reports the stream offset of the failing message", () => {
  const decoder = new DaemonMessageDecoder();
  decoder.push(hex("07 07 00 01 ff"));
  equal(decoder.next(), "Pong");
  equal(decoder.next(), "Pong");
  try {
    decoder.next();
    throw new Error("expected a decode error");
  } catch (e) {
    ok(e instanceof ProtocolDecodeError);
    equal(e.streamOffset, 2);
    equal(e.offset, 1);
    ok(e.message.startsWith("Cannot decode DaemonMessage: invalid UTF-8"), e.message);
  }
});

Deno.test("LayerFrameDecoder.next() rejects a frame longer than maxMessageBytes before it arrives", () => {
  const decoder = new LayerFrameDecoder({ maxMessageBytes: 1024 });
  decoder.push(hex("ff ff ff ff 00"));
  try {
    decoder.next();
    throw new Error("expected a decode error");
  } catch (e) {
    ok(e instanceof ProtocolDecodeError);
    equal(e.typeName, "frame length");
  }
});

Deno.test("fuzz() survives 40,000 random and mutated inputs with no crash", () => {
  const report = fuzz(40_000, 7);
  assertEquals(report.crashes, []);
  equal(report.inputs, 40_000);
  ok(report.decoded > 1000 && report.corrupt > 1000 && report.incomplete > 1000);
});
