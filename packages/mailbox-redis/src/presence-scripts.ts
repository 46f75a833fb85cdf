// Lua scripts of the Redis presence registry: each step over the entry key and the index is atomic.

/** Writes the entry with its ttl and puts its key in the index, in one step. KEYS: entry, index. ARGV: json, ttl, score. */
export const WRITE = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
return 1`;

/** Live entries of the index in start order; members whose key expired are removed. KEYS: index. */
export const LIST = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local live = {}
for _, key in ipairs(members) do
  local value = redis.call('GET', key)
  if value then table.insert(live, value) else redis.call('ZREM', KEYS[1], key) end
end
return live`;

/** Deletes the entry and its index member. KEYS: entry, index. */
export const REMOVE = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return 1`;

/** Deletes the entry and its index member while the entry is still `json` (not rewritten by a later process). KEYS: entry, index. ARGV: json. */
export const REMOVE_IF = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return 1`;
