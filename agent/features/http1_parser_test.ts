import { deepEqual, equal, throws } from "node:assert/strict";
import {
  BodyDecoder,
  closesConnection,
  expectsContinue,
  HttpParseError,
  isUpgradeRequest,
  parseHead,
  requestFraming,
  responseFraming,
} from "./http1_parser.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("parseHead() waits for the empty line, keeps header case and the raw bytes", () => {
  equal(parseHead(bytes("GET / HTTP/1.1\r\nHost: a\r\n"), "request"), null);
  const raw = "POST /a?b=1 HTTP/1.1\r\nX-Mixed-Case: V\r\nContent-Length: 3\r\n\r\n";
  const parsed = parseHead(bytes(raw + "abcGET /next"), "request")!;
  equal(parsed.length, raw.length);
  equal(parsed.head.method, "POST");
  equal(parsed.head.target, "/a?b=1");
  deepEqual(parsed.head.headers, [["X-Mixed-Case", "V"], ["Content-Length", "3"]]);
  equal(text(parsed.head.raw), raw);
});

Deno.test("parseHead() reads status lines and rejects garbage", () => {
  const parsed = parseHead(bytes("HTTP/1.0 404 Not Found\r\n\r\n"), "response")!;
  equal(parsed.head.status, 404);
  equal(parsed.head.version, "HTTP/1.0");
  throws(() => parseHead(bytes("GET / HTTP/9\r\n\r\n"), "request"), HttpParseError);
  throws(() => parseHead(bytes("GET / HTTP/1.1\r\nbad header\r\n\r\n"), "request"), HttpParseError);
});

Deno.test("requestFraming() and responseFraming() follow RFC 9112", () => {
  const head = (raw: string, kind: "request" | "response" = "request") =>
    parseHead(bytes(raw), kind)!.head;
  deepEqual(requestFraming(head("GET / HTTP/1.1\r\n\r\n")), { kind: "none" });
  deepEqual(requestFraming(head("PUT / HTTP/1.1\r\nContent-Length: 5\r\n\r\n")), {
    kind: "length",
    length: 5,
  });
  deepEqual(
    requestFraming(head("PUT / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")),
    { kind: "chunked" },
  );
  throws(() => requestFraming(head("PUT / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n")));
  const ok = head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", "response");
  deepEqual(responseFraming(ok, "HEAD"), { kind: "none" });
  deepEqual(responseFraming(ok, "GET"), { kind: "length", length: 9 });
  deepEqual(responseFraming(head("HTTP/1.1 200 OK\r\n\r\n", "response"), "GET"), { kind: "close" });
  deepEqual(responseFraming(head("HTTP/1.1 304 X\r\n\r\n", "response"), "GET"), { kind: "none" });
});

Deno.test("closesConnection(), isUpgradeRequest(), expectsContinue() read the headers", () => {
  const head = (raw: string) => parseHead(bytes(raw), "request")!.head;
  equal(closesConnection(head("GET / HTTP/1.1\r\n\r\n")), false);
  equal(closesConnection(head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")), true);
  equal(closesConnection(head("GET / HTTP/1.0\r\n\r\n")), true);
  equal(closesConnection(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")), false);
  equal(
    isUpgradeRequest(
      head("GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n"),
    ),
    true,
  );
  equal(isUpgradeRequest(head("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")), false);
  equal(expectsContinue(head("PUT / HTTP/1.1\r\nExpect: 100-Continue\r\n\r\n")), true);
});

Deno.test("BodyDecoder decodes chunked bodies fed byte by byte, with trailers", () => {
  const wire = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\nNEXT";
  const decoder = new BodyDecoder({ kind: "chunked" });
  let buffered = new Uint8Array(0);
  let data = "";
  let trailers: [string, string][] | null = null;
  let used = 0;
  for (const byte of bytes(wire)) {
    const next = new Uint8Array(buffered.length + 1);
    next.set(buffered);
    next[buffered.length] = byte;
    buffered = next;
    if (decoder.done) break;
    const progress = decoder.push(buffered);
    for (const piece of progress.data) data += text(piece);
    trailers ??= progress.trailers;
    used += progress.consumed;
    buffered = buffered.subarray(progress.consumed);
  }
  equal(data, "hello world");
  deepEqual(trailers, [["X-Sum", "42"]]);
  equal(used, wire.length - "NEXT".length);
  equal(decoder.done, true);
});

Deno.test("BodyDecoder stops a Content-Length body at its length (pipelining)", () => {
  const decoder = new BodyDecoder({ kind: "length", length: 3 });
  const progress = decoder.push(bytes("abcGET / HTTP/1.1"));
  equal(progress.consumed, 3);
  equal(progress.done, true);
  throws(() => new BodyDecoder({ kind: "chunked" }).push(bytes("zz\r\n")), HttpParseError);
});
