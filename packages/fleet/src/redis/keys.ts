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
/** A nonce already acted on (its value is who took it), kept as long as its message could still be accepted. */
export const nonceKey = (nonce: string): string => `${PREFIX}:nonce:${nonce}`;
/** The single-instance lease of a node's name: the one process that reads its commands. */
export const leaseKey = (node: string): string => `${PREFIX}:lease:${node}`;
/**
 * How long a stream outlives its last write (or its reader's last refresh): an orchestrator or a
 * node that went away leaves its stream (prompts, results) for this long at most.
 */
export const STREAM_TTL_MS = 15 * 60_000;
