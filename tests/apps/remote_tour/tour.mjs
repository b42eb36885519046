// Touches each remote feature once and prints what it saw as JSON (for mirrord exec tests).
// Usage: node tour.mjs <file> <dns name> <tcp echo host> <tcp port> <udp echo host> <udp port>
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { lookup } from "node:dns/promises";
import { createConnection } from "node:net";
import { createSocket } from "node:dgram";
import { hostname } from "node:os";

const [path, name, tcpHost, tcpPort, udpHost, udpPort] = process.argv.slice(2);

function tcpEcho() {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: tcpHost, port: Number(tcpPort) }, () => {
      socket.write("node over tcp");
    });
    socket.setTimeout(10000, () => reject(new Error("tcp timeout")));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once("error", reject);
  });
}

function udpEcho() {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => reject(new Error("udp timeout")), 10000);
    socket.once("message", (data) => {
      clearTimeout(timer);
      socket.close();
      resolve(data.toString());
    });
    // Connected, as mirrord only redirects unconnected sendto()s to port 53.
    socket.connect(Number(udpPort), udpHost, () => socket.send("node over udp"));
  });
}

const seen = {
  file: readFileSync(path, "utf8"),
  fileAsync: await readFile(path, "utf8"),
  dns: [(await lookup(name, { family: 4 })).address],
  tcp: await tcpEcho(),
  udp: await udpEcho(),
  hostname: hostname(),
};
console.log(JSON.stringify(seen));
