/** The codec tool's fixed contract: JSON in, hex out and back; clear errors. */
import { deepStrictEqual as assertEquals, match, throws } from "node:assert/strict";
import { CodecToolError, runCodecTool } from "../codec_tool.ts";

const noStdin = () => {
  throw new Error("stdin not expected");
};

Deno.test("runCodecTool() encodes the JSON form to hex", () => {
  const json = '{"Tcp":{"PortSubscribe":8080}}';
  assertEquals(runCodecTool(["encode", "client", json], noStdin), "0100fb901f");
});

Deno.test("runCodecTool() decodes hex to serde_json's externally tagged form", () => {
  assertEquals(
    runCodecTool(["decode", "daemon", "01010103010203"], noStdin),
    '{"Tcp":{"Data":{"connection_id":1,"bytes":"AQID"}}}',
  );
  assertEquals(runCodecTool(["decode", "daemon", "07"], noStdin), '"Pong"');
});

Deno.test("runCodecTool() writes integers beyond 2^53 as decimal strings and reads both forms", () => {
  const big = runCodecTool(["decode", "daemon", "0dfdffffffffffffffff"], noStdin);
  assertEquals(big, '{"OperatorPing":"18446744073709551615"}');
  assertEquals(runCodecTool(["encode", "daemon", big], noStdin), "0dfdffffffffffffffff");
  assertEquals(runCodecTool(["encode", "daemon", '{"OperatorPing":"5"}'], noStdin), "0d05");
});

Deno.test("runCodecTool() handles the local link envelope without the frame prefix", () => {
  const json = '{"message_id":7,"inner":{"NewSession":2}}';
  assertEquals(runCodecTool(["encode", "proxy", json], noStdin), "070002");
  assertEquals(runCodecTool(["decode", "proxy", "07 00 02"], noStdin), json);
});

Deno.test("runCodecTool() reads '-' from standard input", () => {
  assertEquals(runCodecTool(["decode", "client", "-"], () => "07\n"), '"Ping"');
});

Deno.test("runCodecTool() rejects an unknown kind and bad hex with usage errors", () => {
  throws(() => runCodecTool(["decode", "agent", "07"], noStdin), CodecToolError);
  throws(() => runCodecTool(["decode", "client", "0g"], noStdin), CodecToolError);
  throws(() => runCodecTool(["encode", "client"], noStdin), CodecToolError);
});

Deno.test("runCodecTool() reports truncated and trailing input", () => {
  throws(() => runCodecTool(["decode", "client", "0a06312e"], noStdin), /truncated/);
  throws(() => runCodecTool(["decode", "client", "0700"], noStdin), /left over/);
  throws(() => runCodecTool(["encode", "client", '{"Nope":1}'], noStdin), /ClientMessage variant/);
});

Deno.test("deno task codec exits 1 with one line on invalid input", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../codec_tool.ts", import.meta.url).pathname,
      "decode",
      "client",
      "ff",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 1);
  const err = new TextDecoder().decode(out.stderr).trim();
  match(err, /^Cannot decode ClientMessage: invalid varint marker 0xFF/);
  assertEquals(err.split("\n").length, 1);
});
