import { deepEqual, equal } from "node:assert/strict";
import { newConnection, requestFormat, requestStart, wholeRequest } from "./incoming_messages.ts";

const connection = {
  connection_id: 4n,
  remote_address: "10.0.0.1",
  destination_port: 80,
  source_port: 5555,
  local_address: "10.0.0.2",
};
const head = { method: "GET", uri: "/", headers: [], version: "HTTP/1.1" as const };
const origin = { port: 80, source: "10.0.0.1:5555", destination: "10.0.0.2:80" };

Deno.test("requestFormat() follows the HTTP gates", () => {
  equal(requestFormat("1.29.0"), "chunked-v2");
  equal(requestFormat("1.19.0"), "chunked-v2");
  equal(requestFormat("1.18.0"), "chunked-v1");
  equal(requestFormat("1.7.0"), "chunked-v1");
  equal(requestFormat("1.6.0"), "framed");
  equal(requestFormat("1.2.2"), "legacy");
  equal(requestFormat("1.30.0-alpha"), "legacy");
});

Deno.test("newConnection() is V2 from 1.19.4 on, V1 before", () => {
  deepEqual(newConnection("1.19.4", connection), {
    NewConnectionV2: { connection, transport: "Tcp" },
  });
  deepEqual(newConnection("1.19.3", connection), { NewConnectionV1: connection });
});

Deno.test("requestStart() and wholeRequest() build each format", () => {
  const v2 = requestStart("chunked-v2", 9n, head, [], true, origin);
  deepEqual(v2, {
    HttpRequestChunked: {
      StartV2: {
        connection_id: 9n,
        request_id: 0,
        request: { ...head, body: { frames: [], is_last: true } },
        metadata: { V1: { source: origin.source, destination: origin.destination } },
        transport: "Tcp",
      },
    },
  });
  const data = new TextEncoder().encode("ab");
  const legacy = wholeRequest("legacy", 9n, head, [{ Data: data }, { Data: data }], 80);
  equal(
    new TextDecoder().decode(
      (legacy as { HttpRequest: { internal_request: { body: Uint8Array } } }).HttpRequest
        .internal_request.body,
    ),
    "abab",
  );
});
