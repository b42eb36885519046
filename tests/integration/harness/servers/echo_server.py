"""TCP and UDP echo servers for one test pod. Prints "ready <tcp port> <udp port>" once both are bound (port 0 picks free ones).

Usage: echo_server.py --tcp 0.0.0.0:7001 --udp 0.0.0.0:7002
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
    parser.add_argument("--tcp", required=True)
    parser.add_argument("--udp", required=True)
    args = parser.parse_args()
    tcp_host, tcp_port = args.tcp.rsplit(":", 1)
    udp_host, udp_port = args.udp.rsplit(":", 1)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((tcp_host, int(tcp_port)))
    tcp.listen(128)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((udp_host, int(udp_port)))
    threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
    print(f"ready {tcp.getsockname()[1]} {udp.getsockname()[1]}", flush=True)
    while True:
        conn, _ = tcp.accept()
        threading.Thread(target=serve_tcp_client, args=(conn,), daemon=True).start()


main()
