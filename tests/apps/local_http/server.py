# The local app of incoming-traffic tests, python3 flavour: an HTTP/1.1 server (keep-alive,
# threads) that answers "local python <METHOD> <path> peer=<ip>:<port> body=<body>", where the peer
# is what getpeername() reports, and prints "request <METHOD> <path> peer=<ip>:<port>" per request.
#
# Usage: python3 server.py <port> [<bind address, default 0.0.0.0>]
import http.server
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        ip, port = self.connection.getpeername()[:2]
        print(f"request {self.command} {self.path} peer={ip}:{port}", flush=True)
        payload = f"local python {self.command} {self.path} peer={ip}:{port} body={body}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Served-By", "local-python")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer((sys.argv[2] if len(sys.argv) > 2 else "0.0.0.0",
                                          int(sys.argv[1])), Handler)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
