"""What a program run with `mirrord exec` sees of its target pod, as one JSON line.

Usage: probe.py <env var> <file> <service name> [<service port>]

Reads an environment variable and a file, resolves a Service name (through the cluster's DNS
when mirrord is on) and fetches http://<service>:<port>/ (an HTTP service answering JSON).
"""
import json
import os
import socket
import sys
import urllib.request

var, path, service = sys.argv[1:4]
port = int(sys.argv[4]) if len(sys.argv) > 4 else 80
seen = {"hostname": socket.gethostname(), "env": os.environ.get(var)}
try:
    with open(path) as file:
        seen["file"] = file.read()
except OSError as error:
    seen["file_error"] = error.strerror
try:
    seen["dns"] = sorted({info[4][0] for info in socket.getaddrinfo(service, port, socket.AF_INET)})
    with urllib.request.urlopen(f"http://{service}:{port}/", timeout=10) as reply:
        seen["http"] = json.loads(reply.read())
except OSError as error:
    seen["network_error"] = str(error)
print(json.dumps(seen))
