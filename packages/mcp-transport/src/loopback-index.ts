// @subagent-mcp/mcp-transport/loopback: MCP served over HTTP on 127.0.0.1, loaded only by a server
// that serves it (a sub-agent's tools, the dashboard's control): the listener and its rules, a
// stateless server per request, and an endpoint whose every request carries a token for one scope.
export { listenLoopback, sameSecret, serveStateless } from "./loopback.js";
export { startTokenEndpoint, type Refusal, type ServerKind, type TokenEndpoint } from "./token-endpoint.js";
