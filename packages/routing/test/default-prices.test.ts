import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES, findPrice } from "@subagent-mcp/usage";
import { DEFAULT_TABLE } from "../src/index.js";

// Routing ranks its candidates by expected cost: every model of the default table has a price.
describe("the default table's prices", () => {
  it("prices every model of the routing table's defaults, each with a source and a date", () => {
    const models = new Set(Object.values(DEFAULT_TABLE).flatMap((b) => [...b.cost_efficiency, ...b.performance].map((c) => c.model)));
    expect(models.size).toBeGreaterThan(5);
    for (const model of models) {
      const price = findPrice(model);
      expect(price, model).toBeDefined();
      expect(price?.source, model).toBeTruthy();
      expect(price?.as_of, model).toMatch(/^\d{4}-\d{2}/);
    }
    for (const [key, price] of Object.entries(DEFAULT_PRICES)) expect(price.source && price.as_of, key).toBeTruthy();
  });
});
