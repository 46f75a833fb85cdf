import { homedir } from "node:os";
import { errorMessage, ProviderSchema, type Provider } from "@subagent-mcp/core";
import { checkCompat, describeCompat, driverFor, handshakeFindings } from "@subagent-mcp/drivers";
import { mcpConfigPath, readOrNull, SERVER_NAME } from "@subagent-mcp/host-config";
import { defineCommand } from "citty";
import { appHostLines } from "./app-hosts.js";
import { runOneTurn, turnLine } from "./doctor-run.js";
import { fail } from "./fail.js";

/**
 * `subagent-mcp doctor`: per host, whether it is found, its version against the compatibility
 * table, our entries, and a live handshake; `--run` adds one real turn with the user's own login.
 */
export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check each agent CLI: found, version, subagent-mcp registered, and a real protocol handshake (no model call)." },
  args: {
    run: { type: "boolean", description: "Also run one real turn per CLI with its own login (a tiny prompt; costs one request)" },
    host: { type: "string", description: "Only this CLI: claude, codex or gemini" },
  },
  async run({ args }) {
    const hosts = args.host === undefined ? ProviderSchema.options : [hostArg(args.host)];
    let problems = 0;
    for (const host of hosts) problems += await checkHost(host, args.run === true);
    // Apps (Claude Desktop) have no CLI to check: whether they are there and register us.
    if (args.host === undefined) for (const line of appHostLines({ home: process.env.HOME ?? homedir(), env: process.env })) process.stdout.write(`${line}\n`);
    if (problems > 0) process.exitCode = 1;
  },
});

function hostArg(value: string): Provider {
  const parsed = ProviderSchema.safeParse(value);
  if (!parsed.success) fail(`--host must be ${ProviderSchema.options.join(", ")} (got "${value}")`);
  return parsed.data;
}

// One host's lines; resolves with how many problems it found (a missing CLI is none: not everyone has all three).
async function checkHost(host: Provider, run: boolean): Promise<number> {
  const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
  // The driver knows its CLI: where it is, how to start it, and which exchange proves it answers.
  const driver = driverFor(host);
  const found = await driver.describe().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (found instanceof Error) {
    process.stdout.write(`${host}: not found (${found.message})\n`);
    return 0;
  }
  let problems = 0;
  const config = mcpConfigPath(host, ctx);
  const registered = readOrNull(config)?.includes(SERVER_NAME) === true;
  const compat = checkCompat(host, found.version);
  if (compat.status === "incompatible") problems += 1;
  let shake: string;
  let missing: string[] = [];
  try {
    const { ms, answer } = await driver.handshakeAnswer();
    shake = `handshake ok in ${ms} ms`;
    missing = handshakeFindings(host, answer).missing;
  } catch (error) {
    problems += 1;
    shake = `handshake FAILED: ${errorMessage(error)}`;
  }
  const lines = [
    `${host}: ${found.executable}`,
    `  version: ${found.version}`,
    `  ${registered ? "registered" : "not registered"} in ${config}`,
    `  ${shake}`,
    `  compatibility: ${describeCompat(host, compat)}`,
    ...(missing.length === 0 ? [] : [`  handshake says unsupported: ${missing.join(", ")}`]),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (run && compat.status !== "incompatible") {
    const turn = await runOneTurn(driver);
    if (!turn.ok) problems += 1;
    process.stdout.write(`  ${turnLine(turn)}\n`);
  }
  return problems;
}
