"""TCP, UDP and unix-stream echo servers for one test pod. Prints "ready <tcp port> <udp port>"
once all asked for are bound (port 0 picks free ones; 0 for a server not asked for).

Usage: echo_server.py [--tcp 0.0.0.0:7001] [--udp 0.0.0.0:7002] [--unix /tmp/echo.sock]
"""

import argparse
import socket
import threading


def serve_tcp_client(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def serve_udp(sock):
    while True:
        data, peer = sock.recvfrom(65536)
        sock.sendto(data, peer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tcp")
    parser.add_argument("--udp")
    parser.add_argument("--unix")
    args = parser.parse_args()
    listeners = []
    ports = [0, 0]
    if args.tcp:
        host, port = args.tcp.rsplit(":", 1)
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((host, int(port)))
        listeners.append(tcp)
        ports[0] = tcp.getsockname()[1]
    if args.unix:
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(args.unix)
        listeners.append(unix)
    if args.udp:
        host, port = args.udp.rsplit(":", 1)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((host, int(port)))
        ports[1] = udp.getsockname()[1]
        threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
    for listener in listeners:
        listener.listen(128)
        threading.Thread(target=accept_loop, args=(listener,), daemon=True).start()
    print(f"ready {ports[0]} {ports[1]}", flush=True)
    threading.Event().wait()


def accept_loop(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_tcp_client, args=(conn,), daemon=True).start()


main()
