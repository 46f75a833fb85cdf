// What a server needs before it runs any CLI: how each CLI names tools, where its executable is,
// line framing and the ACP agents. None of it loads execa or the ACP SDK, so an
// MCP server answers `initialize` without them; the drivers themselves come from the package's index.
export { LineFramer } from "./process/framing.js";
export { lookupFiles, resolveExecutable, type Lookup } from "./process/resolve.js";
export { mcpToolName } from "./permissions/tool-names.js";
