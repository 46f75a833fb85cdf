import type { Provider } from "@subagent-mcp/core";
import { LineFramer, parseLine } from "@subagent-mcp/drivers";
import { execa } from "execa";

// Each CLI's cheapest protocol exchange that proves it speaks the protocol without a model call:
// Claude Code's `initialize` control request (stream-json mode), Codex's app-server `initialize`,
// Gemini CLI's ACP `initialize`.
const PROBES: Record<Provider, { args: string[]; request: unknown; answered: (message: Record<string, unknown>) => boolean }> = {
  claude: {
    args: ["--input-format", "stream-json", "--output-format", "stream-json", "--verbose"],
    request: { type: "control_request", request_id: "doctor", request: { subtype: "initialize" } },
    answered: (m) => m.type === "control_response",
  },
  codex: {
    args: ["app-server"],
    request: { id: 1, method: "initialize", params: { clientInfo: { name: "subagent-mcp-doctor", title: null, version: "0" }, capabilities: null } },
    answered: (m) => m.id === 1 && m.result !== undefined,
  },
  gemini: {
    args: ["--acp"],
    request: { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: 1, clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false } } },
    answered: (m) => m.id === 1 && m.result !== undefined,
  },
};

/** Runs the protocol handshake with a CLI; resolves with the milliseconds it took, or rejects why. */
export async function handshake(provider: Provider, executable: string, timeoutMs = 20_000): Promise<number> {
  const probe = PROBES[provider];
  const child = execa(executable, probe.args, { stdin: "pipe", stdout: "pipe", stderr: "pipe", buffer: false, reject: false, env: { GEMINI_CLI_NO_RELAUNCH: "true" } });
  const t0 = performance.now();
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const framer = new LineFramer((line) => {
        const parsed = parseLine(line);
        if (parsed.kind === "json" && typeof parsed.value === "object" && parsed.value !== null && probe.answered(parsed.value as Record<string, unknown>)) {
          clearTimeout(timer);
          resolve(Math.round(performance.now() - t0));
        }
      });
      child.stdout.on("data", (chunk: Buffer) => {
        framer.push(chunk);
      });
      void child.then((r) => {
        clearTimeout(timer);
        reject(new Error(`exited (${String(r.exitCode ?? r.signal)}) before answering`));
      });
      child.stdin.write(`${JSON.stringify(probe.request)}\n`);
    });
  } finally {
    child.kill("SIGKILL");
  }
}
