// The Lua scripts chatd runs in Redis (server/cluster/cluster_bus.h for the
// keys). Each runs atomically; names of other nodes' keys are built inside
// the scripts, so they need a standalone Redis (not Redis Cluster).
#pragma once

#include <string_view>

namespace chat::lua {

// KEYS: users:NODE. ARGV: channel, user id, "NAME\nROOM" (empty: the user
// left), event. Keeps the node's user list and publishes the event, at once.
inline constexpr std::string_view kPresence = R"(
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[2]) else redis.call('HSET', KEYS[1], ARGV[2], ARGV[3]) end
redis.call('PUBLISH', ARGV[1], ARGV[4])
return 1)";

// KEYS: nick:NEW, nick:OLD (or nick:NEW again), nicks:NODE. ARGV: owner
// "NODE\nUSER\n", name, "1" to free OLD. Returns {1, ''} when won, {0,
// holder's value} when someone else holds it.
inline constexpr std::string_view kClaim = R"(
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1]) ~= ARGV[1] then return {0, cur} end
redis.call('SET', KEYS[1], ARGV[1] .. ARGV[2])
redis.call('SADD', KEYS[3], KEYS[1])
if ARGV[3] == '1' then
  local old = redis.call('GET', KEYS[2])
  if old and string.sub(old, 1, #ARGV[1]) == ARGV[1] then
    redis.call('DEL', KEYS[2])
    redis.call('SREM', KEYS[3], KEYS[2])
  end
end
return {1, ''})";

// KEYS: nick:KEY, nicks:NODE. ARGV: owner. Frees the nickname if the owner holds it.
inline constexpr std::string_view kRelease = R"(
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SREM', KEYS[2], KEYS[1])
return 1)";

// KEYS: users:NODE, nicks:NODE, alive:NODE, nodes. ARGV: node, heartbeat
// ms, channel, reset event, user count N, then N pairs (id, "NAME\nROOM"),
// then the nickname keys the node's users still hold. Replaces the node's
// entry (after a restart or a lost link): nicknames it holds but no longer
// uses are freed; those in use stay its own unless someone took them.
inline constexpr std::string_view kRegister = R"(
local prefix = ARGV[1] .. '\n'
local n = tonumber(ARGV[5])
local keep = {}
for i = 6 + 2 * n, #ARGV do keep[ARGV[i]] = true end
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not keep[k] then
    local v = redis.call('GET', k)
    if v and string.sub(v, 1, #prefix) == prefix then redis.call('DEL', k) end
    redis.call('SREM', KEYS[2], k)
  end
end
redis.call('DEL', KEYS[1])
for i = 6, 5 + 2 * n, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1)";

// KEYS: alive:NODE, nodes. ARGV: node, ms. 0 when the node was reaped
// meanwhile (it must register again), else 1.
inline constexpr std::string_view kHeartbeat = R"(
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
return 1)";

// KEYS: nodes, epoch. ARGV: a new epoch token. The cluster's epoch (set
// to ARGV[1] if Redis has none: it restarted or is new), then every
// registered node and its users: {epoch, node, {id, "NAME\nROOM", ...}, ...}.
inline constexpr std::string_view kSnapshot = R"(
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
local out = {epoch}
for _, n in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  table.insert(out, n)
  table.insert(out, redis.call('HGETALL', 'chat:users:' .. n))
end
return out)";

// KEYS: users:NODE. ARGV: channel, then triples (user id, "NAME\nROOM" as
// read in the snapshot, leave event). Announces users of this node that are
// gone (an earlier run's, or who left while the link was down): each event
// is published only if the entry still holds that user as read (then it is
// removed), so a reaper that removed the node meanwhile, or the user's own
// leave sent meanwhile, is never repeated. An empty record: Redis lost the
// entry (it restarted), nobody else can announce it, publish. Returns the
// number published.
inline constexpr std::string_view kLeaves = R"(
local n = 0
for i = 2, #ARGV - 2, 3 do
  local rec = ARGV[i + 1]
  if rec == '' or redis.call('HGET', KEYS[1], ARGV[i]) == rec then
    if rec ~= '' then redis.call('HDEL', KEYS[1], ARGV[i]) end
    redis.call('PUBLISH', ARGV[1], ARGV[i + 2])
    n = n + 1
  end
end
return n)";

// KEYS: nodes. ARGV: the calling node. Removes every other node whose
// heartbeat expired, with its users and nicknames, and returns them to this
// caller only: {node, {id, "NAME\nROOM", ...}, ...}.
inline constexpr std::string_view kReap = R"(
local out = {}
for _, n in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if n ~= ARGV[1] and redis.call('EXISTS', 'chat:alive:' .. n) == 0 then
    local prefix = n .. '\n'
    for _, k in ipairs(redis.call('SMEMBERS', 'chat:nicks:' .. n)) do
      local v = redis.call('GET', k)
      if v and string.sub(v, 1, #prefix) == prefix then redis.call('DEL', k) end
    end
    table.insert(out, n)
    table.insert(out, redis.call('HGETALL', 'chat:users:' .. n))
    redis.call('DEL', 'chat:users:' .. n, 'chat:nicks:' .. n)
    redis.call('SREM', KEYS[1], n)
  end
end
return out)";

// KEYS: users:NODE, nicks:NODE, alive:NODE, nodes. ARGV: node. A node
// leaving for good (shutdown): everything of it goes.
inline constexpr std::string_view kDeregister = R"(
local prefix = ARGV[1] .. '\n'
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local v = redis.call('GET', k)
  if v and string.sub(v, 1, #prefix) == prefix then redis.call('DEL', k) end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('SREM', KEYS[4], ARGV[1])
return 1)";

// --- accounts and moderation rules (docs/CLUSTER.md "Accounts and moderation")
// chat:accounts is a hash nickname key -> "NAME\nCREATED\nHASH" (CREATED in
// seconds since the epoch, HASH Argon2id's encoded form); chat:rules a hash
// rule identity -> the rule's event (core/moderation/rule_event.h). A rule
// made or lifted is one kPresence call on chat:rules (HSET or HDEL, and
// PUBLISH), so the hash and the events never disagree.

// KEYS: accounts. ARGV: channel, nickname key, record, event. Registers the
// account unless its key is taken, and tells every node: 1, or 0 if taken.
inline constexpr std::string_view kRegisterAccount = R"(
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[1], ARGV[4])
return 1)";

// KEYS: accounts. ARGV: channel, nickname key, name, hash, now, event. A new
// password: the record keeps its CREATED (now if it had none).
inline constexpr std::string_view kUpdateAccount = R"(
local created = ARGV[5]
local cur = redis.call('HGET', KEYS[1], ARGV[2])
if cur then created = string.match(cur, '^[^\n]*\n(%d+)\n') or created end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. '\n' .. created .. '\n' .. ARGV[4])
redis.call('PUBLISH', ARGV[1], ARGV[6])
return 1)";

// KEYS: accounts. ARGV: pairs (nickname key, record) of the accounts this
// node knows (its --store). Adds those Redis lacks (it lost its data, or
// this node's store is older than the cluster), never replaces one, and
// returns every account: {key, record, ...}.
inline constexpr std::string_view kLoadAccounts = R"(
for i = 1, #ARGV - 1, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
return redis.call('HGETALL', KEYS[1]))";

// KEYS: rules, rules:seeded. ARGV: pairs (identity, event) of the rules
// this node holds. The first node to find Redis without rules:seeded (new,
// or it lost its data) puts its rules there; every node then takes
// Redis's: {identity, event, ...}.
inline constexpr std::string_view kLoadRules = R"(
if redis.call('EXISTS', KEYS[2]) == 0 then
  for i = 1, #ARGV - 1, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
  redis.call('SET', KEYS[2], '1')
end
return redis.call('HGETALL', KEYS[1]))";

// KEYS: rules. ARGV: channel, identity, prefix, event. Lifts a rule and
// every rule whose identity starts with the prefix (a room's invitations
// when it stops being invite-only), and publishes the event.
inline constexpr std::string_view kLiftPrefix = R"(
redis.call('HDEL', KEYS[1], ARGV[2])
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, #ARGV[3]) == ARGV[3] then redis.call('HDEL', KEYS[1], f) end
end
redis.call('PUBLISH', ARGV[1], ARGV[4])
return 1)";

// KEYS: nick:NEW, nick:OLD (or nick:NEW again), nicks:NODE. ARGV: owner
// "NODE\nUSER\n", name, "1" to free OLD. Like kClaim, but whoever holds
// NEW loses it: a /login takes its account's name back (the holder's node
// hears it from the login's event and renames its user).
inline constexpr std::string_view kTake = R"(
redis.call('SET', KEYS[1], ARGV[1] .. ARGV[2])
redis.call('SADD', KEYS[3], KEYS[1])
if ARGV[3] == '1' and KEYS[2] ~= KEYS[1] then
  local old = redis.call('GET', KEYS[2])
  if old and string.sub(old, 1, #ARGV[1]) == ARGV[1] then
    redis.call('DEL', KEYS[2])
    redis.call('SREM', KEYS[3], KEYS[2])
  end
end
return 1)";

}  // namespace chat::lua
