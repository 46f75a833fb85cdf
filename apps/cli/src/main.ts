#!/usr/bin/env -S node --max-semi-space-size=1
// The flag: a long-lived MCP server is mostly idle and allocates little per call, so a 1 MB young
// generation costs nothing measurable in latency and keeps ~12 MB of RSS off the idle server
// (apps/bench, "idle server RSS"). Hosts that start us as `node main.js` should pass it too.

// Hooks run on every prompt and tool call of the host: they load only what they need.
if (process.argv[2] === "hook") {
  const { runHook } = await import("./hook.js");
  await runHook(process.argv[3]);
} else {
  const { runMain } = await import("citty");
  const { mainCommand } = await import("./command.js");
  await runMain(mainCommand);
}
