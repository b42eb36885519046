/**
 * Real HTTP servers under the layer: python3's http.server and node's http module (libuv:
 * socket, bind, listen, accept4, getpeername, getsockname through libc — checked with an
 * LD_PRELOAD shim counting syscall() numbers: node 20 makes none of these through syscall()).
 * The scripted intproxy delivers two requests from cluster clients; each server must answer
 * with the cluster client as the peer.
 */
import assert from "node:assert/strict";
import { delivering, incomingConfig, incomingOf } from "./fixture/incoming_world.ts";
import { freePort, runProgram, withPeer } from "./fixture/layer_app.ts";

const PYTHON_SERVER = `
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        host, port = self.connection.getsockname()[:2]
        body = f"client={self.client_address[0]}:{self.client_address[1]} local={host}:{port}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
server = http.server.HTTPServer(("0.0.0.0", int(sys.argv[1])), Handler)
print("listening", server.server_address, flush=True)
for _ in range(2):
    server.handle_request()
server.server_close()
`;

const NODE_SERVER = `
const server = require("http").createServer((req, res) => {
  const s = req.socket;
  res.end(\`client=\${s.remoteAddress}:\${s.remotePort} local=\${s.localAddress}:\${s.localPort}\`);
  if (++served === 2) server.close();
});
let served = 0;
server.listen(Number(process.argv[1]), () => console.log("listening", JSON.stringify(server.address())));
`;

const CLIENTS = [{ remoteSource: "10.1.2.3:5555" }, { remoteSource: "10.4.5.6:6666" }];

function bodies(replies: string[]): string[] {
  return replies.map((r) => r.slice(r.indexOf("\r\n\r\n") + 4)).sort();
}

Deno.test("python3 http.server under the layer answers mirrored requests with the cluster client", async () => {
  const port = freePort();
  await withPeer(delivering(...CLIENTS), async (peer) => {
    const r = await runProgram(peer, "python3", ["-c", PYTHON_SERVER, String(port)], {
      config: incomingConfig("mirror"),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^listening \\('0\\.0\\.0\\.0', ${port}\\)$`, "m"));
    assert.deepEqual(incomingOf(peer, "PortSubscribe"), [
      { listening_on: { Socket: `0.0.0.0:${port}` }, subscription: { Mirror: { All: port } } },
    ]);
    assert.deepEqual(bodies(peer.incoming.delivered.map((d) => d.reply)), [
      `client=10.1.2.3:5555 local=10.0.0.5:${port}`,
      `client=10.4.5.6:6666 local=10.0.0.5:${port}`,
    ]);
    assert.match(r.stderr, /^10\.1\.2\.3 - - \[.*\] "GET \/hello HTTP\/1\.1" 200 -$/m);
    assert.deepEqual(incomingOf(peer, "PortUnsubscribe"), [
      { port, listening_on: { Socket: `0.0.0.0:${port}` } },
    ]);
  });
});

Deno.test("node http server under the layer answers stolen requests with the cluster client", async () => {
  const port = freePort();
  await withPeer(delivering(...CLIENTS), async (peer) => {
    const r = await runProgram(peer, "node", ["-e", NODE_SERVER, String(port)], {
      config: incomingConfig({
        mode: "steal",
        http_filter: { header_filter: "^x-user: me$", ports: [port] },
      }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`"port":${port}`),
      "server.address() reports the requested port",
    );
    assert.deepEqual(incomingOf(peer, "PortSubscribe"), [{
      listening_on: { Socket: `[::]:${port}` },
      subscription: { Steal: { FilteredHttpEx: [port, { Header: "^x-user: me$" }] } },
    }]);
    assert.deepEqual(bodies(peer.incoming.delivered.map((d) => d.reply)), [
      `client=::ffff:10.1.2.3:5555 local=::ffff:10.0.0.5:${port}`,
      `client=::ffff:10.4.5.6:6666 local=::ffff:10.0.0.5:${port}`,
    ]);
    assert.equal(incomingOf(peer, "PortUnsubscribe").length, 1);
  });
});

Deno.test("a node and a python3 server run at once, each on its own port and session", async () => {
  const [nodePort, pythonPort] = [freePort(), freePort()];
  await withPeer(delivering(...CLIENTS), async (peer) => {
    const config = incomingConfig("steal");
    const [n, p] = await Promise.all([
      runProgram(peer, "node", ["-e", NODE_SERVER, String(nodePort)], { config }),
      runProgram(peer, "python3", ["-c", PYTHON_SERVER, String(pythonPort)], { config }),
    ]);
    assert.equal(n.code, 0, n.stderr);
    assert.equal(p.code, 0, p.stderr);
    const ports = peer.incoming.delivered.map((d) => d.listeningOn).sort();
    assert.deepEqual(
      ports,
      [
        `0.0.0.0:${pythonPort}`,
        `0.0.0.0:${pythonPort}`,
        `[::]:${nodePort}`,
        `[::]:${nodePort}`,
      ].sort(),
    );
    const clients = bodies(peer.incoming.delivered.map((d) => d.reply)).map((b) => b.split(" ")[0]);
    assert.deepEqual(clients, [
      "client=10.1.2.3:5555",
      "client=10.4.5.6:6666",
      "client=::ffff:10.1.2.3:5555",
      "client=::ffff:10.4.5.6:6666",
    ]);
  });
});
