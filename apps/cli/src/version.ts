import { createRequire } from "node:module";

// Read at run time so that the binary always reports the version it was published as.
const pkg = createRequire(import.meta.url)("../package.json") as { version: string };

/** The published version of the `subagent-mcp` package. */
export const version: string = pkg.version;
