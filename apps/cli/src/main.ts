#!/usr/bin/env node
// V8's settings come first, before anything they should apply to loads (see v8-tiers.ts).
import { startLean } from "./v8-tiers.js";

startLean();

// Hooks run on every prompt and tool call of the host: they load only what they need.
if (process.argv[2] === "hook") {
  const { runHook } = await import("./hook.js");
  await runHook(process.argv[3]);
} else {
  const { runMain } = await import("citty");
  const { mainCommand } = await import("./command.js");
  await runMain(mainCommand);
}
