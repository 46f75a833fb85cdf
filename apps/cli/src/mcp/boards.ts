import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BoardStore } from "@subagent-mcp/board";
import type { openRedisBoard } from "@subagent-mcp/board-redis";
import type { MailboxConfig } from "@subagent-mcp/mailbox/config";
import type { BoardSource } from "@subagent-mcp/team";
import { stateLayout } from "@subagent-mcp/state";

/**
 * The team boards: on the fleet's Redis when the mailboxes are there (a team's members on several
 * machines claim from one board), else one folder each in this machine's state folder (shared by
 * every server and process of the user). Either loads with the first board call. The members' turns
 * are written to the local folder in both cases: each machine's usage reads its own.
 */
export function boardSource(stateDir: string, mailbox: MailboxConfig | undefined): BoardSource {
  const root = stateLayout(stateDir).boards;
  const url = mailbox?.url;
  const local = async (name: string, options: Parameters<BoardSource["open"]>[1]): Promise<BoardStore> => {
    const { openLocalBoard } = await import("@subagent-mcp/board");
    return openLocalBoard(join(root, name), options === undefined ? {} : { options });
  };
  const dir = (name: string): string => join(root, name);
  if (url === undefined) return { dir, open: local, exists: (name) => Promise.resolve(existsSync(join(dir(name), "options.json"))) };
  // One connection for every board of this server, made by the first board call.
  let connected: Promise<Parameters<typeof openRedisBoard>[0]> | undefined;
  const connect = async (): Promise<Parameters<typeof openRedisBoard>[0]> => {
    connected ??= import("@subagent-mcp/mailbox-redis").then(async ({ connectRedis }) => {
      const ca = mailbox?.ca === undefined ? undefined : readFileSync(mailbox.ca);
      return (await connectRedis({ url, ...(ca === undefined ? {} : { ca }) })).redis;
    });
    return connected.catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
  };
  return {
    dir,
    open: async (name, options) => {
      const { openRedisBoard: open } = await import("@subagent-mcp/board-redis");
      return open(await connect(), name, options === undefined ? {} : { options });
    },
    exists: async (name) => (await import("@subagent-mcp/board-redis")).redisBoardExists(await connect(), name),
  };
}
