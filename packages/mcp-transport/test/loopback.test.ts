import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Run in a node of its own: this test's own process has loaded node:http long ago.
function inFreshNode(script: string): unknown {
  const source = `import { listenLoopback } from ${JSON.stringify(resolve("dist/loopback.js"))};\n${script}`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", source], { encoding: "utf8" }));
}

describe("listenLoopback", () => {
  it("loads node's HTTP server with its first connection, and answers that connection", () => {
    const said = inFreshNode(`
const http = () => process.moduleLoadList.includes("NativeModule http");
const listener = await listenLoopback(async (req, res) => { res.end("hello " + req.url); });
const before = http();
const res = await fetch("http://127.0.0.1:" + listener.port + "/x", { headers: { connection: "close" } });
const body = await res.text();
const elsewhere = await fetch("http://127.0.0.1:" + listener.port + "/x", { headers: { origin: "http://evil.example" } });
await listener.close();
console.log(JSON.stringify({ before, after: http(), status: res.status, body, refused: elsewhere.status }));`);
    expect(said).toEqual({ before: false, after: true, status: 200, body: "hello /x", refused: 403 });
  });

  it("closes with a connection still open", () => {
    const said = inFreshNode(`
import { connect } from "node:net";
let reached;
const held = new Promise((done) => (reached = done));
const listener = await listenLoopback(async () => { reached(); await new Promise(() => {}); });
const socket = connect(listener.port, "127.0.0.1");
socket.on("error", () => {});
const ended = new Promise((done) => socket.once("close", () => done(true)));
socket.write("POST /held HTTP/1.1\\r\\nHost: 127.0.0.1:" + listener.port + "\\r\\nContent-Length: 0\\r\\n\\r\\n");
await held;
await listener.close();
console.log(JSON.stringify({ ended: await ended }));`);
    expect(said).toEqual({ ended: true });
  });
});
