import { hostname } from "node:os";
import { join } from "node:path";

import { defineCommand } from "citty";
import { configOrFail } from "../config.js";
import { withDefaults } from "@subagent-mcp/config";
import { createSandbox } from "@subagent-mcp/sandbox";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { fleetConnection, secretsInEnv } from "./fleet.js";
import { guardDriver } from "./node-guard.js";
import { withMessaging } from "./node-messaging.js";
import { mailPlace } from "../worker/mailstore.js";
import { version } from "../version.js";
import { protectedRules } from "@subagent-mcp/permissions";
import { table } from "../table.js";
import { machineOut } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";

// Caps a node lends when the config names none: the supervisor's own default.
const DEFAULT_NODE_CAP = 5;

/**
 * `subagent-mcp node [--name NAME]`: lends this machine's agent CLIs to the fleet until stopped.
 * Each installed provider is offered with its version and cap; launches run here within the
 * config's `fleet` ceiling (cwd roots, permission mode, disallowed tools), whatever they ask.
 */
export const nodeCommand = defineCommand({
  meta: { name: "node", description: "Lend this machine's agent CLIs to the fleet (the Redis the mailboxes share) until stopped." },
  args: { name: { type: "string", description: "This machine's name in the fleet (default: fleet.name in the config, else the hostname)" } },
  async run({ args }) {
    const ctx = cliContext();
    // A sub-agent of this node can read its environment (/proc/PID/environ): the key and a Redis password come from files only.
    const [secret] = secretsInEnv(ctx);
    if (secret !== undefined) fail(`node: refusing to start: ${secret}`);
    const config = configOrFail(ctx);
    const name = args.name ?? config.fleet?.name ?? hostname();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) fail(`node: the name "${name}" must be letters, digits, '.', '_' or '-' (at most 63)`);
    const { redis, where, signer } = await fleetConnection(ctx, config.mailbox).catch((error: unknown) => fail(`node: ${errorMessage(error)}`, 1));
    const [{ createDrivers }, { startNodeMessaging }] = await Promise.all([import("@subagent-mcp/drivers"), import("@subagent-mcp/server/runtime")]);
    const [{ startNode }, { compilePhrases, Receipts, serverFolder }] = await Promise.all([import("@subagent-mcp/fleet"), import("@subagent-mcp/receipts")]);
    // One sandbox for its agents' CLIs and its worktrees' setup command.
    const sandbox = createSandbox(config, ctx.env);
    const drivers = createDrivers(config, sandbox);
    // What is installed here: a CLI that is not found is not lent.
    const providers: Parameters<typeof startNode>[0]["providers"] = {};
    // Asked all at once: a restarted node is back before its orchestrators give up on it.
    const found = await Promise.all(
      Object.entries(drivers).map(async ([provider, driver]) => ({ provider, driver, found: await driver.describe().catch(() => undefined) })),
    );
    // Its agents' messaging tools, served here on the fleet's mailboxes: an agent gets its own mailbox's address, no secret.
    const mail = await mailPlace(ctx, config.mailbox)
      .open()
      .catch((error: unknown) => fail(`node: mailboxes: ${errorMessage(error)}`, 1));
    const messaging = await startNodeMessaging(mail, version);
    // Each launch within this machine's rules: its env within the allow-list, and this machine's files kept from its agents.
    const guard = (driver: (typeof drivers)[string]) =>
      guardDriver(withMessaging(driver, messaging), protectedRules(ctx), (line) => process.stderr.write(`node ${name}: ${line}\n`));
    for (const { provider, driver, found: f } of found)
      if (f !== undefined) providers[provider] = { driver: guard(driver), version: f.version, cap: config.caps?.[provider] ?? DEFAULT_NODE_CAP };
    const ceiling = {
      roots: config.fleet?.roots ?? [ctx.home],
      ...(config.fleet?.permission_mode === undefined ? {} : { permissionMode: config.fleet.permission_mode }),
      ...(config.fleet?.disallowed_tools === undefined ? {} : { disallowedTools: config.fleet.disallowed_tools }),
      // A nested server under one of its agents nests no deeper than this machine allows.
      maxDepth: withDefaults(config).max_depth,
    };
    // Each turn's files read here with git in its agent's folder, for its orchestrator's receipt (private git data under the node's own folder).
    const witness = new Receipts({
      phrases: compilePhrases(config.receipts),
      dir: serverFolder(join(ctx.stateDir, "fleet", name, "receipts")),
      ...(config.receipts?.max_files === undefined ? {} : { maxFiles: config.receipts.max_files }),
    });
    // Another live node with this name (NAME_TAKEN), or Redis gone meanwhile: one line, not a stack.
    const node = await startNode({
      redis,
      signer,
      name,
      providers,
      ceiling,
      labels: config.fleet?.labels ?? [],
      // Its own journal: what a crash cuts off is resumed when it starts again.
      journalDir: join(ctx.stateDir, "fleet", name),
      witness,
      // A launch's worktree is made here, beside this machine's own, readied by this machine's setup command.
      worktrees: {
        stateDir: ctx.stateDir,
        sandbox,
        ...(config.worktree?.setup === undefined ? {} : { setup: config.worktree.setup }),
        ...(config.worktree?.setup_timeout_s === undefined ? {} : { setupTimeoutMs: config.worktree.setup_timeout_s * 1000 }),
      },
      log: (line) => process.stderr.write(`node ${name}: ${line}\n`),
    }).catch((error: unknown) => fail(`node ${name}: ${errorMessage(error)}`, 1));
    const lent = Object.entries(providers).map(([p, v]) => `${p} ${v.version} (cap ${v.cap})`);
    process.stderr.write(
      `node ${name}: lending ${lent.join(", ") || "no CLI (none is installed)"} to the fleet at Redis ${where}; cwd within ${ceiling.roots.join(", ")}\n`,
    );
    let stopping = false;
    const stop = async (code: number): Promise<void> => {
      if (stopping) return;
      stopping = true;
      // Its agents end with it: nothing it started outlives the node.
      await node.close().catch(() => undefined);
      await witness.close().catch(() => undefined);
      await messaging.close().catch(() => undefined);
      redis.disconnect();
      process.exit(code);
    };
    process.once("SIGINT", () => void stop(130));
    process.once("SIGTERM", () => void stop(143));
    process.once("SIGHUP", () => void stop(129));
    // It stops by itself only when another process took its name: that one serves the name now.
    const lost = await node.done;
    if (lost !== undefined) fail(`node ${name}: stopped: ${lost}`, 1);
    await new Promise<never>(() => undefined);
  },
});

/** `subagent-mcp machines [--json]`: the live nodes of the fleet. */
export const machinesCommand = defineCommand({
  meta: { name: "machines", description: "List the live machines of the fleet: their providers, free slots, load and labels." },
  args: { json: { type: "boolean", description: "Print JSON" } },
  async run({ args }) {
    const ctx = cliContext();
    const config = configOrFail(ctx);
    const { redis, where, signer } = await fleetConnection(ctx, config.mailbox).catch((error: unknown) => fail(`machines: ${errorMessage(error)}`, 1));
    const { liveNodes } = await import("@subagent-mcp/fleet");
    try {
      const nodes = await liveNodes(redis, signer);
      const now = Date.now();
      if (args.json)
        process.stdout.write(
          `${JSON.stringify(
            nodes.map((n) => machineOut(n, now)),
            null,
            2,
          )}\n`,
        );
      else if (nodes.length === 0) process.stdout.write(`No live machine (Redis ${where}): start \`subagent-mcp node\` on each machine that lends its CLIs.\n`);
      else
        process.stdout.write(
          `${table([
            ["NAME", "HOST", "LOAD", "PROVIDERS (free/cap)", "LABELS"],
            ...nodes.map((n) => [
              n.name,
              n.host,
              String(n.load),
              n.providers.map((p) => `${p.provider} ${p.version} ${p.free}/${p.cap}`).join(", "),
              n.labels.join(","),
            ]),
          ])}\n`,
        );
    } catch (error) {
      fail(`machines (Redis ${where}): ${errorMessage(error)}`, 1);
    } finally {
      redis.disconnect();
    }
  },
});
