import { homedir } from "node:os";
import { errorMessage, ProviderSchema } from "@subagent-mcp/core";
import { driverFor } from "@subagent-mcp/drivers";
import { mcpConfigPath, readOrNull, SERVER_NAME } from "@subagent-mcp/host-config";
import { defineCommand } from "citty";

/** `subagent-mcp doctor`: per host, whether it is found, its version, our entries, and a live handshake. */
export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check each agent CLI: found, version, subagent-mcp registered, and a real protocol handshake (no model call)." },
  async run() {
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    let problems = 0;
    for (const host of ProviderSchema.options) {
      // The driver knows its CLI: where it is, how to start it, and which exchange proves it answers.
      const driver = driverFor(host);
      const found = await driver.describe().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      if (found instanceof Error) {
        process.stdout.write(`${host}: not found (${found.message})\n`);
        continue;
      }
      const config = mcpConfigPath(host, ctx);
      const registered = readOrNull(config)?.includes(SERVER_NAME) === true;
      let shake: string;
      try {
        shake = `handshake ok in ${await driver.handshake()} ms`;
      } catch (error) {
        problems += 1;
        shake = `handshake FAILED: ${errorMessage(error)}`;
      }
      process.stdout.write(
        `${host}: ${found.executable}\n  version: ${found.version}\n  ${registered ? "registered" : "not registered"} in ${config}\n  ${shake}\n`,
      );
    }
    if (problems > 0) process.exitCode = 1;
  },
});
