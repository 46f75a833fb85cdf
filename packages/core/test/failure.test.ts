import { describe, expect, it } from "vitest";
import { classifyFailure, errorEvent } from "../src/index.js";

describe("classifyFailure", () => {
  it.each([
    // Transient: each sign once.
    ["API Error: 429 rate_limit_error", undefined, "transient"],
    ["529 overloaded_error: Overloaded", undefined, "transient"],
    ["500 Internal Server Error", undefined, "transient"],
    ["upstream returned 503", undefined, "transient"],
    ["the model is overloaded", undefined, "transient"],
    ["rate limit reached", undefined, "transient"],
    ["rate-limited, slow down", undefined, "transient"],
    ["Too Many Requests", undefined, "transient"],
    ["RESOURCE_EXHAUSTED", undefined, "transient"],
    ["Service Unavailable", undefined, "transient"],
    ["Request timed out", undefined, "transient"],
    ["request timeout after 60s", undefined, "transient"],
    ["read ECONNRESET", undefined, "transient"],
    ["connect ECONNREFUSED 127.0.0.1:1", undefined, "transient"],
    ["write EPIPE", undefined, "transient"],
    ["socket hang up", undefined, "transient"],
    ["connection reset by peer", undefined, "transient"],
    ["connection closed before message completed", undefined, "transient"],
    ["stream disconnected before completion", undefined, "transient"],
    ["network error", undefined, "transient"],
    ["You have hit your usage limit", undefined, "transient"],
    ["quota exceeded for today", undefined, "transient"],
    ["please try again later", undefined, "transient"],
    ["claude exited (signal SIGKILL)", undefined, "transient"],
    // Permanent: each sign once.
    ["400 Bad Request", undefined, "permanent"],
    ["401 authentication_error: invalid x-api-key", undefined, "permanent"],
    ["403 from the API", undefined, "permanent"],
    ["404 page", undefined, "permanent"],
    ["authentication failed", undefined, "permanent"],
    ["Unauthorized", undefined, "permanent"],
    ["Forbidden", undefined, "permanent"],
    ["invalid_api_key", undefined, "permanent"],
    ["permission denied", undefined, "permanent"],
    ["model not found: gpt-9", undefined, "permanent"],
    ["not_found_error", undefined, "permanent"],
    ["unknown model gpt-9", undefined, "permanent"],
    ["invalid model name", undefined, "permanent"],
    ["the model gpt-9 is not supported", undefined, "permanent"],
    ["the model gpt-9 is not available on your plan", undefined, "permanent"],
    ["that thread does not exist", undefined, "permanent"],
    ["invalid_request_error", undefined, "permanent"],
    ["bad argument: --effort", undefined, "permanent"],
    ["error: unknown option '--frobnicate'", undefined, "permanent"],
    ["unknown argument: x", undefined, "permanent"],
    // Permanent signs win over transient ones.
    ["invalid_request_error: bad argument (retry after 429?)", undefined, "permanent"],
    ["503: model gpt-9 not found", undefined, "permanent"],
    ["codex exited (signal SIGTERM): 401 Unauthorized", undefined, "permanent"],
    // Neither: permanent, failing over needs a reason.
    ["something odd happened", undefined, "permanent"],
    ["the CLI process exited mid-turn (signal SIGKILL)", undefined, "permanent"],
    // A known HTTP status decides before the message.
    ["overloaded_error", 529, "transient"],
    ["Internal server error", 500, "transient"],
    ["slow down", 429, "transient"],
    ["invalid x-api-key", 401, "permanent"],
    ["timed out (but the request was bad)", 400, "permanent"],
    ["model gpt-9 not found", undefined, "permanent"],
  ] as const)("%s (%s) -> %s", (message, status, expected) => {
    expect(classifyFailure(message, status)).toBe(expected);
  });
});

describe("errorEvent", () => {
  it("marks the event with the class of its message", () => {
    expect(errorEvent("API Error: 529 overloaded")).toEqual({ type: "error", message: "API Error: 529 overloaded", transient: true });
    expect(errorEvent("401 unauthenticated")).toEqual({ type: "error", message: "401 unauthenticated", transient: false });
  });
});
