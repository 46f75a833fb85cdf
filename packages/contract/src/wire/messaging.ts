// The names of the server's messaging tools: a worker allows them on its own nested server by name.

/** The messaging tools, by name. */
export const MESSAGING_TOOLS = ["send_to", "inbox", "wait_inbox", "reply"] as const;
