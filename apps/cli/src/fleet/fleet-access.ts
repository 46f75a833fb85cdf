import type { MailboxConfig } from "@subagent-mcp/mailbox/config";
import type { FleetAccess, RemoteAsks } from "@subagent-mcp/server";
import { errorMessage } from "@subagent-mcp/errors";
import type { CliContext } from "../context.js";
import { fleetConnection } from "./fleet.js";

// The MCP server's side of the fleet (`mcp` serves it): its FleetClient, made on the first launch that needs a machine.

/** The server's fleet, connected on first use (`get`), and its closing if it was (`close`); undefined without a shared Redis. */
export function fleetAccess(
  ctx: CliContext,
  mailbox: MailboxConfig | undefined,
  /** An agent of ours the user stopped on its machine (`subagent-mcp stop` there or elsewhere): stopped here too, as the user's stop. */
  onUserStop: (id: string) => void,
): { get: () => Promise<FleetAccess>; leave: () => Promise<void>; close: () => Promise<void> } | undefined {
  if (mailbox?.url === undefined) return undefined;
  let made: Promise<FleetAccess> | undefined;
  const get = (): Promise<FleetAccess> =>
    (made ??= (async () => {
      const { redis, signer } = await fleetConnection(ctx, mailbox);
      const { FleetClient } = await import("@subagent-mcp/fleet");
      const client = new FleetClient(redis, signer, undefined, { ...graceOf(ctx), onUserStop });
      return {
        machines: () => client.machines(),
        driverOn: (machine: string, provider: string, asks?: RemoteAsks) => client.driverOn(machine, provider, asks),
        driverAt: (machine: string, provider: string, asks?: RemoteAsks) => client.driverAt(machine, provider, asks),
        leave: () => {
          client.leave();
        },
        close: async () => {
          await client.close();
          redis.disconnect();
        },
      };
    })().catch((error: unknown) => {
      made = undefined;
      throw new Error(`fleet: ${errorMessage(error)}`, { cause: error });
    }));
  const existing = async (): Promise<FleetAccess | undefined> => (made === undefined ? undefined : made.catch(() => undefined));
  return {
    get,
    leave: async () => {
      (await existing())?.leave();
    },
    close: async () => (await existing())?.close(),
  };
}

/** SUBAGENT_MCP_FLEET_GRACE_S: how long a machine may be silent before its agents end here (default 10 s; a node restarted sooner resumes them). */
function graceOf(ctx: CliContext): { lostAfterMs?: number } {
  const raw = ctx.env.SUBAGENT_MCP_FLEET_GRACE_S;
  if (raw === undefined || raw === "") return {};
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 4 || seconds > 3600)
    throw new Error(`SUBAGENT_MCP_FLEET_GRACE_S must be a number of seconds from 4 to 3600, got "${raw}"`);
  return { lostAfterMs: seconds * 1000 };
}
