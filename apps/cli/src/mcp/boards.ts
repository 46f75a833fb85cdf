import { readFileSync } from "node:fs";
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
  if (url === undefined) return { dir: (name) => join(root, name), open: local };
  // One connection for every board of this server, made by the first board call.
  let connected: Promise<Parameters<typeof openRedisBoard>[0]> | undefined;
  return {
    dir: (name) => join(root, name),
    open: async (name, options) => {
      connected ??= import("@subagent-mcp/mailbox-redis").then(async ({ connectRedis }) => {
        const ca = mailbox?.ca === undefined ? undefined : readFileSync(mailbox.ca);
        return (await connectRedis({ url, ...(ca === undefined ? {} : { ca }) })).redis;
      });
      const redis = await connected.catch((error: unknown) => {
        connected = undefined;
        throw error;
      });
      const { openRedisBoard: open } = await import("@subagent-mcp/board-redis");
      return open(redis, name, options === undefined ? {} : { options });
    },
  };
}
