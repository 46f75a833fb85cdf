// Where the fleet keeps its state in Redis, under one prefix beside the mailboxes'.
const PREFIX = "subagent-mcp:fleet";

/** Live nodes: a hash from node name to its last heartbeat (JSON NodeInfo). */
export const NODES = `${PREFIX}:nodes`;
/** The signed commands for one node: launches and the steering of its agents. */
export const commandStream = (node: string): string => `${PREFIX}:cmd:${node}`;
/** The signed events of one remote agent, from its node to whoever launched it. */
export const eventStream = (agent: string): string => `${PREFIX}:ev:${agent}`;
/** Bounds on each stream: a consumer that fell this far behind has lost its agent anyway. */
export const STREAM_MAXLEN = 10_000;
