"""Touches each remote feature once and prints what it saw as JSON (for mirrord exec tests).

Usage: tour.py <file> <dns name> <tcp echo host> <tcp port> <udp echo host> <udp port>
"""
import json
import socket
import sys

path, name, tcp_host, tcp_port, udp_host, udp_port = sys.argv[1:7]
seen = {"file": open(path).read()}
seen["dns"] = sorted({info[4][0] for info in socket.getaddrinfo(name, 80, socket.AF_INET)})
with socket.create_connection((tcp_host, int(tcp_port)), timeout=10) as tcp:
    tcp.sendall(b"python over tcp")
    seen["tcp"] = tcp.recv(100).decode()
# A connected UDP socket: like mirrord, the layer sends unconnected sendto()s to other ports
# than 53 unchanged (from the laptop).
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(10)
udp.connect((udp_host, int(udp_port)))
udp.send(b"python over udp")
seen["udp"] = udp.recv(100).decode()
seen["hostname"] = socket.gethostname()
print(json.dumps(seen))
