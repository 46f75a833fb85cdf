import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@subagent-mcp/testkit";
import { RedisMailboxes } from "../src/index.js";

// A private CA, a certificate it signed for 127.0.0.1, and redis-server speaking only TLS with it.
let dir: string;
let server: ResultPromise;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "redis-tls-"));
  const ssl = (...args: string[]) => execa("openssl", args, { cwd: dir });
  await ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=subagent-mcp test CA");
  await ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "ext"), "subjectAltName=IP:127.0.0.1\n");
  await ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext");
  port = await freePort();
  server = execa(
    "redis-server",
    ["--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--tls-cert-file", "server.pem", "--tls-key-file", "server.key"].concat([
      "--tls-ca-cert-file",
      "ca.pem",
      "--tls-auth-clients",
      "no",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ]),
    { cwd: dir, reject: false },
  );
  // Ready once it says so (its log goes to stdout).
  await new Promise<void>((resolve, reject) => {
    let log = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) resolve();
    });
    void server.then(() => {
      reject(new Error(`redis-server exited: ${log}`));
    });
  });
});
afterAll(async () => {
  server.kill("SIGTERM");
  await server;
  rmSync(dir, { recursive: true, force: true });
});

describe("rediss:// with a private CA", () => {
  it("connects and delivers with the CA given; without it, one TLS_FAILED error naming the fix", async () => {
    const url = `rediss://127.0.0.1:${port}`;
    const { readFileSync } = await import("node:fs");
    const store = await RedisMailboxes.connect({ url, ca: readFileSync(join(dir, "ca.pem")) });
    const sent = await store.send({ from: "a", to: "w", body: "over TLS", priority: "normal" });
    expect(await store.receive("w")).toEqual([sent]);
    await store.close();
    const refused = (await RedisMailboxes.connect({ url }).catch((e: unknown) => e)) as Error;
    expect(refused).toMatchObject({ code: "TLS_FAILED", retryable: false });
    expect(refused.message).toContain("SUBAGENT_MCP_MAILBOX_CA");
    // A CA with a plain redis:// URL is a mistake said at once.
    await expect(RedisMailboxes.connect({ url: `redis://127.0.0.1:${port}`, ca: "x" })).rejects.toMatchObject({ code: "BAD_URL" });
  });
});
