// The names of the server's messaging tools: a worker allows them on its own nested server by name.

/** The messaging tools, by name. */
export const MESSAGING_TOOLS = ["send_to", "inbox", "wait_inbox", "reply"] as const;

/** The board tools a sub-agent works a team board with, beside its messaging tools on the same server (allowed with them). */
export const BOARD_MEMBER_TOOLS = ["board", "board_claim", "board_done", "board_fail", "board_review"] as const;
