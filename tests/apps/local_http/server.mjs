// The local app of incoming-traffic tests, node flavour. Prints "listening <port>" per server and
// "request <METHOD> <path> peer=<ip>:<port>" per request (the peer as getpeername() reports it).
//
// Usage: node server.mjs --http <port> [--h2 <port>] [--host <bind address>] [--quiet]
// (--quiet: no line per request, for load runs; --echo <port>: also a raw TCP echo server)
//
// HTTP/1 (--http): "local node <METHOD> <url> peer=<ip>:<port> body=<body>"; `/sha256` answers
// the SHA-256 of the request body, `/bytes/<n>` n bytes of "mirrord-" repeated; a WebSocket-style
// `Upgrade` is answered 101 and raw bytes are echoed back prefixed "local:".
// h2c with prior knowledge (--h2): "local node h2 <METHOD> <path> body=<body>"; `/stream` echoes
// every DATA frame back as "local:<data>" as it arrives and ends with trailer `grpc-status: 0`.
import { createHash } from "node:crypto";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : null;
};
const host = option("--host") ?? undefined;
const quiet = args.includes("--quiet");
const log = (line) => quiet || console.log(line);
const peerOf = (socket) => `${socket.remoteAddress.replace(/^::ffff:/, "")}:${socket.remotePort}`;

function collect(stream, done) {
  const parts = [];
  stream.on("data", (part) => parts.push(part));
  stream.on("end", () => done(Buffer.concat(parts).toString()));
}

const http1 = http.createServer((req, res) => {
  const peer = peerOf(req.socket);
  log(`request ${req.method} ${req.url} peer=${peer}`);
  if (req.url === "/sha256") {
    const hash = createHash("sha256");
    req.on("data", (part) => hash.update(part));
    req.on("end", () => res.end(hash.digest("hex")));
    return;
  }
  const bytes = /^\/bytes\/(\d+)$/.exec(req.url);
  if (bytes) {
    // n deterministic bytes, written in 64 KiB pieces (a chunked response, no content-length)
    let left = Number(bytes[1]);
    const piece = Buffer.alloc(65536, "mirrord-");
    const more = () => {
      while (left > 0) {
        const n = Math.min(left, piece.length);
        left -= n;
        if (!res.write(piece.subarray(0, n))) return res.once("drain", more);
      }
      res.end();
    };
    return more();
  }
  collect(req, (body) => {
    res.setHeader("x-served-by", "local-node");
    res.end(`local node ${req.method} ${req.url} peer=${peer} body=${body}`);
  });
});
http1.on("upgrade", (req, socket, head) => {
  log(`request UPGRADE ${req.url} peer=${peerOf(socket)}`);
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  );
  if (head.length > 0) socket.write(`local:${head}`);
  socket.on("data", (data) => socket.write(`local:${data}`));
  socket.on("end", () => socket.end());
});
http1.listen(
  Number(option("--http")),
  host,
  () => console.log(`listening ${http1.address().port}`),
);

const h2Port = option("--h2");
if (h2Port !== null) {
  const h2 = http2.createServer();
  h2.on("stream", (stream, headers) => {
    const path = headers[":path"];
    log(`request h2 ${headers[":method"]} ${path} peer=${peerOf(stream.session.socket)}`);
    if (path === "/stream") {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, {
        waitForTrailers: true,
      });
      stream.on("data", (data) => stream.write(`local:${data}`));
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.on("end", () => stream.end());
      return;
    }
    collect(stream, (body) => {
      stream.respond({ ":status": 200, "x-served-by": "local-node-h2" });
      stream.end(`local node h2 ${headers[":method"]} ${path} body=${body}`);
    });
  });
  h2.listen(Number(h2Port), host, () => console.log(`listening ${h2.address().port}`));
}

const echoPort = option("--echo");
if (echoPort !== null) {
  const echo = net.createServer((socket) => socket.pipe(socket));
  echo.listen(Number(echoPort), host, () => console.log(`listening ${echo.address().port}`));
}
