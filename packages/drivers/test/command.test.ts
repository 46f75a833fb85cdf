import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionSpec } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { driverFor } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "command-"));
const spec: SessionSpec = { cwd: dir, model: "m-1", permissionMode: "bypassPermissions", env: { FROM_SPEC: "1" } };

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("a driver's command", () => {
  const cli = script("cli", "echo 'cli 1.2.3'; echo second line");
  const options = { executable: cli, executableArgs: ["--lead"], env: { FROM_OPTIONS: "1" } };

  it("is its executable, any leading arguments, then the CLI's own for the session", () => {
    expect(driverFor("claude", options).command(spec)).toEqual({
      executable: cli,
      args: [
        "--lead",
        "-p",
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
        "--verbose",
        "--model",
        "m-1",
        "--permission-mode",
        "bypassPermissions",
        "--include-partial-messages",
      ],
      env: { FROM_OPTIONS: "1", FROM_SPEC: "1" },
      extendEnv: true,
    });
    expect(driverFor("codex", options).command(spec).args).toEqual(["--lead", "app-server"]);
    expect(driverFor("gemini", { ...options, extendEnv: false }).command(spec)).toEqual({
      executable: cli,
      args: ["--lead", "--acp", "--debug", "--model", "m-1", "--approval-mode", "yolo"],
      env: { GEMINI_CLI_NO_RELAUNCH: "true", FROM_OPTIONS: "1", FROM_SPEC: "1" },
      extendEnv: false,
    });
  });

  it("lets the session's and the options' variables win over the CLI's fixed ones", () => {
    const env = driverFor("gemini", { executable: cli, env: { GEMINI_CLI_NO_RELAUNCH: "options" } }).command({
      cwd: dir,
      env: { GEMINI_CLI_NO_RELAUNCH: "spec" },
    }).env;
    expect(env).toEqual({ GEMINI_CLI_NO_RELAUNCH: "spec" });
  });

  it("names what it tried when the CLI is missing; the arguments are still known", () => {
    const driver = driverFor("codex", { executable: "/no/such/codex", env: { PATH: "/nowhere" } });
    expect(() => driver.command(spec)).toThrow(/codex CLI not found/);
    expect(driver.argv(spec)).toEqual(["app-server"]);
  });

  it("describe() runs the CLI's --version through the same command", async () => {
    expect(await driverFor("codex", options).describe()).toEqual({ provider: "codex", executable: cli, version: "cli 1.2.3" });
    await expect(driverFor("claude", { executable: "/no/such/claude", env: { PATH: "/nowhere" } }).describe()).rejects.toMatchObject({
      code: "EXECUTABLE_NOT_FOUND",
    });
  });
});

describe("a driver's handshake", () => {
  it("fails with PROTOCOL_ERROR when the CLI exits or stays silent", async () => {
    const gone = driverFor("codex", { executable: script("exits", "exit 3") });
    await expect(gone.handshake()).rejects.toMatchObject({ code: "PROTOCOL_ERROR", message: "exited (3) before answering" });
    const silent = driverFor("gemini", { executable: script("silent", "exec sleep 300") });
    await expect(silent.handshake(300)).rejects.toMatchObject({ code: "PROTOCOL_ERROR", message: "no answer within 300 ms" });
  });

  it("resolves once the CLI answers the driver's own request", async () => {
    // Echoes the request back: an answer to `id: 1` for the JSON-RPC drivers.
    const echo = script("echo", `read line; printf '%s\\n' "$line" | sed 's/"method":"initialize"/"result":{}/'; exec sleep 300`);
    expect(await driverFor("codex", { executable: echo }).handshake()).toBeGreaterThanOrEqual(0);
    expect(await driverFor("gemini", { executable: echo }).handshake()).toBeGreaterThanOrEqual(0);
  });

  it("names an ACP agent without a --version by the version its initialize reports", async () => {
    // Prints nothing for --version; answers initialize with agentInfo.
    const agent = script(
      "agent",
      `[ "$1" = "--version" ] && exit 0; read line; echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":1,"agentInfo":{"name":"A","version":"4.5.6"}}}'; exec sleep 300`,
    );
    expect(await driverFor("gemini", { executable: agent }).describe()).toMatchObject({ version: "4.5.6" });
    const mute = script("mute", `[ "$1" = "--version" ] && exit 0; read line; echo '{"jsonrpc":"2.0","id":1,"result":{}}'; exec sleep 300`);
    expect(await driverFor("gemini", { executable: mute }).describe()).toMatchObject({ version: "?" });
  });
});
