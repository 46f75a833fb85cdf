import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "../src/redis.js";

/** Sends one inline command then QUIT over a raw socket; resolves with everything the server said before closing. */
function say(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${command}\r\nQUIT\r\n`));
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (got += chunk));
    socket.on("end", () => {
      resolve(got);
    });
    socket.on("error", reject);
  });
}

describe("startRedisServer", () => {
  it("answers PING, keeps its data across a restart, and stops", async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await say(redis.port, "PING")).toBe("+PONG\r\n+OK\r\n");
      expect(await say(redis.port, "SET kept yes")).toBe("+OK\r\n+OK\r\n");
      await redis.restart();
      expect(await say(redis.port, "PING")).toBe("+PONG\r\n+OK\r\n");
      // The append-only file survived the restart.
      expect(await say(redis.port, "GET kept")).toBe("$3\r\nyes\r\n+OK\r\n");
      expect(await say(redis.port, "CONFIG GET maxmemory-policy")).toContain("noeviction");
    } finally {
      await redis.stop();
    }
    await expect(say(redis.port, "PING")).rejects.toThrow(/ECONNREFUSED/);
  });
});
