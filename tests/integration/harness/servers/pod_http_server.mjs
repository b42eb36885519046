// The target pod's own HTTP server for incoming-traffic tests (node, no dependencies). Prints
// "ready" once listening.
//
// Usage: node pod_http_server.mjs --http <port> [--h2 <port>]
//
// HTTP/1 (port --http): every response carries `x-served-by: pod` and the body
// `pod <METHOD> <url> <request body>`; `/chunked` answers in three chunks; a WebSocket-style
// `Upgrade` is answered 101 and the raw bytes echoed back prefixed "pod:".
// h2c with prior knowledge (port --h2): `pod h2 <METHOD> <path> <body>`; `/stream` echoes every
// DATA frame back as "pod:<data>" as it arrives and ends with trailer `grpc-status: 0`.
import http from "node:http";
import http2 from "node:http2";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : null;
};

function collect(stream, done) {
  const parts = [];
  stream.on("data", (part) => parts.push(part));
  stream.on("end", () => done(Buffer.concat(parts).toString()));
}

const servers = [];
const http1 = http.createServer((req, res) => {
  collect(req, (body) => {
    res.setHeader("x-served-by", "pod");
    if (req.url === "/chunked") {
      res.write("pod-part-1,");
      setTimeout(() => {
        res.write("pod-part-2,");
        res.end("pod-part-3");
      }, 20);
      return;
    }
    res.end(`pod ${req.method} ${req.url} ${body}`);
  });
});
http1.keepAliveTimeout = 30000;
http1.on("upgrade", (req, socket, head) => {
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + req.headers.upgrade +
      "\r\nConnection: Upgrade\r\nx-served-by: pod\r\n\r\n",
  );
  if (head.length) socket.write(Buffer.concat([Buffer.from("pod:"), head]));
  socket.on("data", (data) => socket.write(Buffer.concat([Buffer.from("pod:"), data])));
  socket.on("end", () => socket.end());
});
servers.push([http1, option("--http")]);

const h2Port = option("--h2");
if (h2Port !== null) {
  const h2 = http2.createServer();
  h2.on("stream", (stream, headers) => {
    const path = headers[":path"];
    if (path === "/stream") {
      stream.respond({ ":status": 200, "content-type": "application/grpc", "x-served-by": "pod" }, {
        waitForTrailers: true,
      });
      stream.on("data", (data) => stream.write(Buffer.concat([Buffer.from("pod:"), data])));
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.on("end", () => stream.end());
      return;
    }
    collect(stream, (body) => {
      stream.respond({ ":status": 200, "x-served-by": "pod" });
      stream.end(`pod h2 ${headers[":method"]} ${path} ${body}`);
    });
  });
  servers.push([h2, h2Port]);
}

let listening = 0;
for (const [server, port] of servers) {
  server.listen(port, "0.0.0.0", () => {
    if (++listening === servers.length) console.log("ready");
  });
}
