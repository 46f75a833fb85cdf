#!/usr/bin/env node
import { runMain } from "citty";
import { mainCommand } from "./command.js";

await runMain(mainCommand);
