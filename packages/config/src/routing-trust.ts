// What of a project's routing section needs the user's trust (the launch options contract's
// `needsTrust` names: its candidates' machines, its entries' escalation checks and MCP servers), and
// the routing section as an untrusted project's file may apply it.
import type { Provider } from "@subagent-mcp/contract";
import { definedFields, needsTrust } from "@subagent-mcp/contract";
import type { RoutingConfig, RoutingTable } from "@subagent-mcp/routing";

// The machines a routing section sends candidates to.
export function routedMachines(routing: RoutingConfig | undefined): string[] {
  const all = Object.values(routing?.table ?? {}).flatMap((b) => [...(b.cost_efficiency ?? []), ...(b.performance ?? [])]);
  return [...new Set(all.flatMap((c) => (c.machine === undefined || !needsTrust("machine", c.machine) ? [] : [c.machine])))];
}

// An untrusted project's routing runs here (its machines left out) and checks nothing (its escalation checks left out: it escalates on errors only).
export function untrustedRouting(routing: RoutingConfig, machines: boolean, checks: boolean, servers: boolean): RoutingConfig {
  if (!machines && !checks && !servers) return routing;
  const strip = <C extends { machine?: string | undefined }>(list: C[] | undefined): Omit<C, "machine">[] | undefined =>
    machines ? list?.map(({ machine: _m, ...c }) => c) : list;
  const table = Object.fromEntries(
    Object.entries(routing.table ?? {}).map(([category, b]) => [
      category,
      {
        ...(b.cost_efficiency === undefined ? {} : { cost_efficiency: strip(b.cost_efficiency) }),
        ...(b.performance === undefined ? {} : { performance: strip(b.performance) }),
        ...(b.mcp_servers === undefined || (servers && needsTrust("mcp_servers", b.mcp_servers)) ? {} : { mcp_servers: b.mcp_servers }),
        ...(b.escalate === undefined
          ? {}
          : {
              escalate:
                checks && needsTrust("escalate", b.escalate)
                  ? { on: b.escalate.on === "suspect" ? ("suspect" as const) : ("error" as const), ...definedFields({ max_steps: b.escalate.max_steps }) }
                  : b.escalate,
            }),
      },
    ]),
  );
  return { ...routing, ...(routing.table === undefined ? {} : { table }) };
}

export function routedChecks(routing: RoutingConfig | undefined): string[] {
  return [
    ...new Set(
      Object.values(routing?.table ?? {}).flatMap((b) => (b.escalate?.check === undefined || !needsTrust("escalate", b.escalate) ? [] : [b.escalate.check])),
    ),
  ];
}

// The categories whose entries hand their launches MCP servers.
export function routedServers(routing: RoutingConfig | undefined): string[] {
  return Object.entries(routing?.table ?? {}).flatMap(([category, b]) => (needsTrust("mcp_servers", b.mcp_servers) ? [category] : []));
}

// Every provider a routing table names.
export function routedProviders(table: RoutingTable): Provider[] {
  return Object.values(table).flatMap((entry) => [...entry.cost_efficiency, ...entry.performance].map((c) => c.provider));
}
