"""A tiny authoritative DNS server for one test pod (UDP and TCP).

Answers A queries for the names given with --record NAME=IP, PTR queries for their reverse names,
NOERROR with no answers for other types of known names, and NXDOMAIN for everything else.
Prints "ready <port>" on stdout once both sockets are bound (port 0: UDP picks, TCP follows).

Usage: dns_server.py --listen 127.0.0.1:53 --record echo.pod.test=10.1.2.3 [--record …]
"""

import argparse
import ipaddress
import socket
import struct
import threading


def parse_question(packet):
    """Returns (id, flags, qname_lower, qtype, question_bytes) of a query."""
    ident, flags, qdcount = struct.unpack(">HHH", packet[:6])
    offset = 12
    labels = []
    while True:
        length = packet[offset]
        offset += 1
        if length == 0:
            break
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length
    qtype, _qclass = struct.unpack(">HH", packet[offset:offset + 4])
    offset += 4
    return ident, flags, ".".join(labels).lower(), qtype, packet[12:offset]


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\x00"


def answer(packet, records, reverse):
    ident, flags, qname, qtype, question = parse_question(packet)
    rd = flags & 0x0100
    answers = []
    known = qname in records or qname in reverse
    if qtype == 1 and qname in records:
        rdata = ipaddress.IPv4Address(records[qname]).packed
        answers.append(struct.pack(">HHHIH", 0xC00C, 1, 1, 30, len(rdata)) + rdata)
    if qtype == 12 and qname in reverse:
        rdata = encode_name(reverse[qname])
        answers.append(struct.pack(">HHHIH", 0xC00C, 12, 1, 30, len(rdata)) + rdata)
    rcode = 0 if known else 3
    header = struct.pack(">HHHHHH", ident, 0x8400 | rd | rcode, 1, len(answers), 0, 0)
    return header + question + b"".join(answers)


def serve_udp(sock, records, reverse):
    while True:
        packet, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(packet, records, reverse), peer)
        except Exception:  # malformed query: ignore it
            pass


def serve_tcp_client(conn, records, reverse):
    with conn:
        while True:
            size = conn.recv(2)
            if len(size) < 2:
                return
            (length,) = struct.unpack(">H", size)
            packet = b""
            while len(packet) < length:
                chunk = conn.recv(length - len(packet))
                if not chunk:
                    return
                packet += chunk
            reply = answer(packet, records, reverse)
            conn.sendall(struct.pack(">H", len(reply)) + reply)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--record", action="append", default=[])
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    records = {}
    reverse = {}
    for record in args.record:
        name, ip = record.split("=", 1)
        records[name.lower().rstrip(".")] = ip
        reverse[ipaddress.ip_address(ip).reverse_pointer] = name
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((host, int(port)))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((host, port))
    tcp.listen(16)
    threading.Thread(target=serve_udp, args=(udp, records, reverse), daemon=True).start()
    print(f"ready {port}", flush=True)
    while True:
        conn, _ = tcp.accept()
        threading.Thread(
            target=serve_tcp_client, args=(conn, records, reverse), daemon=True
        ).start()


main()
