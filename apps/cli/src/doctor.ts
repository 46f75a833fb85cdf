import { homedir } from "node:os";
import { ProviderSchema } from "@subagent-mcp/core";
import { resolveExecutable } from "@subagent-mcp/drivers";
import { mcpConfigPath, readOrNull, SERVER_NAME } from "@subagent-mcp/hooks";
import { defineCommand } from "citty";
import { execa } from "execa";
import { handshake } from "./handshake.js";

/** `subagent-mcp doctor`: per host, whether it is found, its version, our entries, and a live handshake. */
export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check each agent CLI: found, version, subagent-mcp registered, and a real protocol handshake (no model call)." },
  async run() {
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    let problems = 0;
    for (const host of ProviderSchema.options) {
      let executable: string;
      try {
        executable = resolveExecutable(host);
      } catch (error) {
        process.stdout.write(`${host}: not found (${(error as Error).message})\n`);
        continue;
      }
      const version = await execa(executable, ["--version"], { reject: false, timeout: 15_000, env: { GEMINI_CLI_NO_RELAUNCH: "true" } });
      const config = mcpConfigPath(host, ctx);
      const registered = readOrNull(config)?.includes(SERVER_NAME) === true;
      let shake: string;
      try {
        shake = `handshake ok in ${await handshake(host, executable)} ms`;
      } catch (error) {
        problems += 1;
        shake = `handshake FAILED: ${(error as Error).message}`;
      }
      process.stdout.write(
        `${host}: ${executable}\n  version: ${version.stdout.trim().split("\n")[0] ?? "?"}\n  ${registered ? "registered" : "not registered"} in ${config}\n  ${shake}\n`,
      );
    }
    if (problems > 0) process.exitCode = 1;
  },
});
