import { equal } from "node:assert/strict";
import { classifyPrefix } from "./http_detection.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("classifyPrefix() recognises HTTP/1 by its request line only", () => {
  equal(classifyPrefix(bytes("GET /x HTTP/1.1\r\nHost")), "http1");
  equal(classifyPrefix(bytes("DELETE  /x   HTTP/1.0\n")), "http1");
  equal(classifyPrefix(bytes("GET /x HTT")), null);
  equal(classifyPrefix(bytes("GET /x HTTP/1.1")), null);
  equal(classifyPrefix(bytes("GET /x FTP/1.1\r\n")), "raw");
  equal(classifyPrefix(bytes("\x16\x03\x01")), "raw");
  equal(classifyPrefix(bytes("")), null);
});

Deno.test("classifyPrefix() recognises the HTTP/2 preface", () => {
  equal(classifyPrefix(bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")), "h2");
  equal(classifyPrefix(bytes("PRI * HTTP/2")), null);
});
