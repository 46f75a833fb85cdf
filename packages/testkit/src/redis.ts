import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { execa, type ResultPromise } from "execa";

/** A real redis-server on 127.0.0.1, its data (the append-only file) in a temp dir of its own. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server and deletes its data dir. */
  stop(): Promise<void>;
  /** Stops the server (a clean shutdown) and starts it again on the same port and data dir: the AOF is kept. */
  restart(): Promise<void>;
  /** Stops the server (a clean shutdown), keeping its port and data dir: clients find nobody listening until {@link up}. */
  down(): Promise<void>;
  /** Starts a server stopped by {@link down} again on the same port and data dir (a no-op if it runs). */
  up(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Clients must AUTH with this password (`--requirepass`); `url` stays without it. */
  password?: string;
}

const BINARY = "redis-server";
// Bounds for a broken server only; a healthy one is ready or gone long before.
const READY_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 10_000;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A port on 127.0.0.1 nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** One PING over a raw socket (after AUTH with `password`); resolves when the server answers +PONG. */
function ping(port: number, password: string | undefined): Promise<void> {
  const auth = password === undefined ? "" : `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
  const lines = password === undefined ? 1 : 2;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`${auth}PING\r\n`));
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      got += chunk;
      if (got.split("\r\n").length <= lines) return;
      socket.destroy();
      if (got.split("\r\n")[lines - 1]?.startsWith("+PONG") === true) resolve();
      else reject(new Error(`redis-server on port ${port} answered PING with ${JSON.stringify(got)}`));
    });
    socket.on("error", reject);
  });
}

interface Running {
  process: ResultPromise;
  exited: Promise<unknown>;
}

// Resolves once the server logs that it accepts connections; rejects with its last lines if it exits first.
function launch(binary: string, port: number, dir: string, password: string | undefined): Promise<Running> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec"];
  args.push("--maxmemory-policy", "noeviction", "--save", "", "--daemonize", "no", "--logfile", "", "--protected-mode", "yes");
  if (password !== undefined) args.push("--requirepass", password);
  const child = execa(binary, args, { cwd: dir, stdin: "ignore", stderr: "pipe", stdout: "pipe", buffer: false, reject: false });
  const exited = child.then(
    () => undefined,
    () => undefined,
  );
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server on port ${port} not ready after ${READY_LIMIT_MS} ms:\n${lines.join("\n")}`));
    }, READY_LIMIT_MS);
    // The log is read to the end, so the server never blocks on a full pipe.
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        if (lines.length > 40) lines.shift();
        if (line.includes("Ready to accept connections")) {
          clearTimeout(limit);
          resolve({ process: child, exited });
        }
      });
    }
    void exited.then(() => {
      clearTimeout(limit);
      reject(new Error(`redis-server on port ${port} exited before it was ready:\n${lines.join("\n")}`));
    });
  });
}

async function halt(running: Running): Promise<void> {
  running.process.kill("SIGTERM");
  const force = setTimeout(() => running.process.kill("SIGKILL"), STOP_LIMIT_MS);
  await running.exited;
  clearTimeout(force);
}

/**
 * Starts the Debian `redis-server` binary on 127.0.0.1 with a free port, append-only persistence
 * (fsync every second) and no eviction, its data in a fresh temp dir, and resolves once it answers
 * PING. Throws if `redis-server` is not installed: tests that need it fail, never skip.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const { password } = options;
  const binary = onPath(BINARY);
  if (binary === undefined) throw new Error("redis-server is not on PATH: install the Debian package `redis-server` (apt-get install -y redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "redis-"));
  let port = 0;
  let running: Running | undefined;
  // The free port can be taken between the look and redis's bind: try a few.
  for (let attempt = 1; running === undefined; attempt++) {
    port = await freePort();
    try {
      running = await launch(binary, port, dir, password);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes("Address already in use")) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  await ping(port, password);
  let current: Running | undefined = running;
  const down = async (): Promise<void> => {
    if (current !== undefined) await halt(current);
    current = undefined;
  };
  const up = async (): Promise<void> => {
    if (current !== undefined) return;
    current = await launch(binary, port, dir, password);
    await ping(port, password);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (current !== undefined) await halt(current);
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await down();
      await up();
    },
    down,
    up,
  };
}
