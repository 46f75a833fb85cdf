import { optimizeFromNowOn } from "../v8-tiers.js";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { DashboardError, startDashboard } from "@subagent-mcp/dashboard";
import { loadConfig } from "@subagent-mcp/config";
import { DEFAULT_PRICES, mergePrices } from "@subagent-mcp/usage";
import { defineCommand } from "citty";
import { execa } from "execa";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { mailPlace, openMail } from "../worker/mailstore.js";
import { fleetConnection, fleetMissing } from "../fleet/fleet.js";
import { fleetSpend } from "../fleet/spend-share.js";
import { machineOut, definedFields } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";

// The page's files: the build copies packages/dashboard/ui next to the bundle (dist/ui), whose
// chunks all sit in dist/; run from source, the dashboard package finds its own ui/.
function uiDir(): string | undefined {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "ui");
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be an integer from 0 to 65535 (got "${value}")`);
  return port;
}

// Opens the page in the desktop's browser, without waiting for it; without one, the printed URL is all there is.
function openBrowser(url: string): void {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = execa(opener, [url], { reject: false, stdio: "ignore", detached: true });
  child.unref();
  void child.then((result) => {
    if (result.failed && process.platform !== "win32") process.stderr.write(`subagent-mcp: could not open a browser (${opener}); open the URL above\n`);
  });
}

/** `subagent-mcp dashboard [--port N] [--open] [--json]`: a live page of this project's agents on 127.0.0.1. */
export const dashboardCommand = defineCommand({
  meta: { name: "dashboard", description: "Serve a live page of this project's agents, permission requests, workers, mail and usage on 127.0.0.1" },
  args: {
    port: { type: "string", description: "Port on 127.0.0.1 (default: a free one)" },
    open: { type: "boolean", description: "Open the page in the browser" },
    json: { type: "boolean", description: 'Print {"url": ...} as JSON' },
  },
  async run({ args }) {
    const port = portOf(args.port);
    const ctx = cliContext();
    let config;
    try {
      config = loadConfig({ cwd: ctx.cwd, env: ctx.env });
    } catch (error) {
      fail(errorMessage(error));
    }
    const place = mailPlace(ctx, config.mailbox);
    const mail = await openMail(place);
    const presence = await place.presence().catch((error: unknown) => fail(`workers (${place.where}): ${errorMessage(error)}`, 1));
    const dir = uiDir();
    // With a fleet (the shared Redis and its key), the page lists its live machines too.
    const fleet = fleetMissing(ctx, config.mailbox) === undefined ? await fleetConnection(ctx, config.mailbox).catch(() => undefined) : undefined;
    const machines =
      fleet === undefined
        ? undefined
        : async () => {
            const { liveNodes } = await import("@subagent-mcp/fleet");
            const now = Date.now();
            return (await liveNodes(fleet.redis, fleet.signer)).map((n) => machineOut(n, now));
          };
    // On a fleet, the caps count the other machines' turns, as `usage --caps` does.
    const shared = config.spend_caps === undefined ? undefined : fleetSpend(ctx.stateDir, config.mailbox, true);
    let dashboard;
    try {
      dashboard = await startDashboard({
        stateDir: ctx.stateDir,
        cwd: ctx.cwd,
        mail,
        presence,
        prices: mergePrices(DEFAULT_PRICES, config.prices),
        ...definedFields({ machines, port, uiDir: dir, spendCaps: config.spend_caps, sharedSpend: shared }),
      });
    } catch (error) {
      fleet?.redis.disconnect();
      await Promise.all([mail.close(), presence.close(), shared?.close()]);
      fail(error instanceof DashboardError ? error.message : `cannot start the dashboard: ${errorMessage(error)}`, 1);
    }
    process.stdout.write(args.json === true ? `${JSON.stringify({ url: dashboard.url })}\n` : `${dashboard.url}\n`);
    if (args.open === true) openBrowser(dashboard.url);
    optimizeFromNowOn();
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        done();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await dashboard.close();
    fleet?.redis.disconnect();
    await Promise.all([mail.close(), presence.close(), shared?.close()]);
  },
});
