import { cliExecutable } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The built binary, exactly as a user runs it.
const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

describe("subagent-mcp binary", () => {
  it("prints its help", async () => {
    const { stdout, exitCode } = await execa("node", [bin, "--help"]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatchInlineSnapshot(`
      "Run Claude Code, Codex and Gemini CLI sessions as sub-agents of your coding agent, over MCP. (subagent-mcp v0.0.0)

      USAGE subagent-mcp mcp|setup|init|update|uninstall|doctor|route|send|worker|mail|workers|node|machines|permissions|trust|worktrees|logs|usage|dashboard|stop|demo|hook

      COMMANDS

                mcp    Serve the subagent-mcp tools over MCP on stdio (the default command).                                                                                       
              setup    Register the subagent-mcp server with Claude Code, Codex, Gemini CLI, Qwen Code, OpenCode and Claude Desktop (every host found, or --host).                 
               init    Put the subagent-mcp usage instructions (a managed block) into AGENTS.md, CLAUDE.md and GEMINI.md (--copilot, --cursor: also GitHub Copilot's and Cursor's).
             update    Upgrade subagent-mcp with the package manager that installed it, then re-apply what setup and init wrote.                                                   
          uninstall    Remove exactly what setup and init added (files the user has not touched since come back byte for byte).                                                    
             doctor    Check each agent CLI: found, version, subagent-mcp registered, and a real protocol handshake (no model call).                                               
              route    Show the ranked provider/model/effort candidates for a task category, why each is where it is, and which are available here.                                
               send    Send a message to an agent's mailbox (a worker, the orchestrator); --wait prints the reply.                                                                 
             worker    Run an always-on agent that answers its mailbox, one turn per conversation, resumed after restarts.                                                         
               mail    Show the mailboxes (or one: its waiting messages and dead letters) without taking anything; --revive retries dead letters.                                  
            workers    List the live workers: on this machine, or with mail on Redis on every machine that shares it.                                                              
               node    Lend this machine's agent CLIs to the fleet (the Redis the mailboxes share) until stopped.                                                                  
           machines    List the live machines of the fleet: their providers, free slots, load and labels.                                                                          
        permissions    List the workers' pending permission requests, or answer one: permissions allow|deny ID                                                                     
              trust    Trust this project's config and agent definitions as they are now (executables, agent permissions); --list, --revoke.                                       
          worktrees    List the git worktrees of agents (isolation: worktree); prune those whose agent is gone and hold no unmerged work.                                          
               logs    Print an agent's journal (its prompts, tool calls, turns and how it ended); --follow a live one; --tree its tree of nested agents                           
              usage    Tokens and cost of every agent's and worker's turns, by agent, provider, model, day, task category or team board                                            
          dashboard    Serve a live page of this project's agents, permission requests, workers, mail and usage on 127.0.0.1                                                       
               stop    Stop sub-agents (and everything they started) of every server of yours on this machine and on the fleet; --all also the workers' running turns.             
               demo    Show what subagent-mcp does, with no login and no network: real CLIs against local fake models on 127.0.0.1                                                 
               hook    Answer one host hook (what setup's orchestration hooks run): reads the host's event on stdin, prints its decision on stdout.                                

      Use subagent-mcp <command> --help for more information about a command.
      "
    `);
  });

  it("prints its version", async () => {
    const { stdout } = await execa("node", [bin, "--version"]);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it("route shows the ranked candidates, why each is where it is, and which are available here", async () => {
    const env = { PATH: "/usr/bin:/bin", SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"), XDG_CONFIG_HOME: "/nonexistent" };
    const { stdout } = await execa("node", [bin, "route", "--category", "coding"], { env, extendEnv: false });
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("coding (cost_efficiency): writing or changing code to a clear specification");
    // Cheapest expected turn first (no journal here: the default turn's tokens), each with its price and rule.
    expect(lines[1]).toMatch(/^1\. gemini\/gemini-3\.8-flash\s+~\$0\.0240\/turn \(default\), cost\s+skipped: gemini CLI not found/);
    expect(lines[2]).toMatch(/^2\. codex\/gpt-6\.1-terra \(medium\)\s+~\$0\.0675\/turn \(default\), cost\s+available: \//);
    expect(lines[3]).toMatch(/^3\. claude\/sonnet \(medium\)\s+~\$0\.1350\/turn \(default\), cost\s+skipped: claude CLI not found/);
    const bad = await execa("node", [bin, "route", "--category", "cooking"], { env, extendEnv: false, reject: false });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^subagent-mcp: --category must be one of: math_proof/);
  });
});
