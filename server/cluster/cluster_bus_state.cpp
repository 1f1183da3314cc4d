// ClusterBus: the accounts and moderation rules Redis keeps for the whole
// cluster (docs/CLUSTER.md "Accounts and moderation"; the scripts are in
// cluster/cluster_scripts.h). A registration is decided in Redis, once for
// every node; a rule made or lifted is kept there and published in one
// script; a node coming up puts in what Redis lacks and takes the rest.
#include <hiredis/hiredis.h>

#include <chrono>
#include <utility>
#include <string>
#include <vector>

#include "cluster/cluster_bus.h"
#include "cluster/cluster_scripts.h"
#include "core/moderation/rule_event.h"
#include "nickname.h"

namespace chat {

namespace {

constexpr std::string_view kAccounts = "chat:accounts";
constexpr std::string_view kRules = "chat:rules";
constexpr std::string_view kRulesSeeded = "chat:rules:seeded";

std::string_view text_of(const redisReply* r) {
  return r != nullptr && r->type == REDIS_REPLY_STRING ? std::string_view(r->str, r->len) : std::string_view();
}

std::int64_t seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An account as chat:accounts keeps it: "NAME\nCREATED\nHASH".
std::string account_record(std::string_view name, std::int64_t created, std::string_view hash) {
  std::string record(name);
  record += '\n';
  record += std::to_string(created);
  record += '\n';
  record += hash;
  return record;
}

struct AccountRecord {
  std::string_view name, hash;
};
std::optional<AccountRecord> read_account_record(std::string_view record) {
  const auto first = record.find('\n');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = record.find('\n', first + 1);
  if (second == std::string_view::npos || first == 0 || second + 1 == record.size()) return std::nullopt;
  return AccountRecord{record.substr(0, first), record.substr(second + 1)};
}

}  // namespace

void ClusterBus::load_state() {
  // Accounts: never removed, so what this node knows (its --store) can
  // always go in where Redis lacks it.
  const std::int64_t now = seconds_now();
  std::vector<std::string> values;
  for (const auto& [key, account] : room_.accounts().all()) {
    values.push_back(key);
    values.push_back(account_record(account.name, now, account.hash));
  }
  std::vector<std::string_view> args = {"EVAL", lua::kLoadAccounts, "1", kAccounts};
  args.insert(args.end(), values.begin(), values.end());
  link_.command(args, [this](const redisReply* reply) {
    if (reply == nullptr) return;  // the link went down: loaded again when it is back
    if (reply->type != REDIS_REPLY_ARRAY) {
      diagnostic("cluster: loading accounts failed" +
                 (reply->type == REDIS_REPLY_ERROR ? ": " + std::string(reply->str) : std::string()));
      return;
    }
    std::size_t bad = 0;
    for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
      const auto record = read_account_record(text_of(reply->element[i + 1]));
      if (!record || !is_valid_nickname(record->name)) {
        ++bad;
        continue;
      }
      room_.learn_account(record->name, record->hash);
    }
    if (bad > 0) diagnostic("cluster: ignored " + std::to_string(bad) + " malformed accounts in redis");
  });

  // Rules made here while the link was down go in first (the last one
  // made wins, wherever it was made).
  for (ClusterEvent& e : std::exchange(unsent_rules_, {})) {
    e.from = node_;
    e.node = node_;
    publish_rule(e, encode(e, wire_));
  }
  // Rules: lifted ones are gone from Redis, so this node's go in only where
  // Redis has never had any (new, or it lost its data).
  values.clear();
  for (ClusterEvent e : room_.rule_events()) {
    const std::optional<ModerationRule> rule = rule_of(e);
    if (!rule) continue;
    e.from = node_;
    e.node = node_;
    values.push_back(rule_identity(*rule));
    values.push_back(encode(e));
  }
  args = {"EVAL", lua::kLoadRules, "2", kRules, kRulesSeeded};
  args.insert(args.end(), values.begin(), values.end());
  link_.command(args, [this](const redisReply* reply) {
    if (reply == nullptr) return;
    if (reply->type != REDIS_REPLY_ARRAY) {
      diagnostic("cluster: loading moderation rules failed" +
                 (reply->type == REDIS_REPLY_ERROR ? ": " + std::string(reply->str) : std::string()));
      return;
    }
    std::vector<ClusterEvent> rules;
    for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
      std::optional<ClusterEvent> e = decode_cluster_event(text_of(reply->element[i + 1]));
      if (e && e->kind == ClusterEvent::Kind::rule) rules.push_back(std::move(*e));
    }
    room_.load_rules(rules);
  });
}

bool ClusterBus::publish_rule(const ClusterEvent& event, const std::string& payload) {
  const std::optional<ModerationRule> rule = rule_of(event);
  if (!rule) return false;
  const std::string identity = rule_identity(*rule);
  if (rule->kind == ModerationRule::Kind::invite_only && rule->removed) {
    // "/private off" forgets the room's invitations too, as on one node.
    ModerationRule invites;
    invites.kind = ModerationRule::Kind::invite;
    invites.room = rule->room;
    const std::string prefix = rule_identity(invites);  // "I\nROOM\n"
    const std::string_view args[] = {"EVAL", lua::kLiftPrefix, "1", kRules, channel_, identity, prefix, payload};
    return link_.command(args);
  }
  // Kept as version 2 whatever this node writes: Redis outlives the upgrade.
  const std::string kept = rule->removed ? std::string() : encode(event);
  const std::string_view args[] = {"EVAL", lua::kPresence, "1", kRules, channel_, identity, kept, payload};
  return link_.command(args);
}

void ClusterBus::keep_rule(ClusterEvent event) {
  constexpr std::size_t kMaxUnsentRules = 10'000;
  if (unsent_rules_.size() >= kMaxUnsentRules) {
    diagnostic("cluster: unsent rules", "cluster: a rule made while the link is down is kept on this node only");
    return;
  }
  unsent_rules_.push_back(std::move(event));
}

bool ClusterBus::register_account(std::uint64_t user, std::string_view name, std::string_view hash) {
  if (!ready_) return false;
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::account;
  e.from = node_;
  e.node = node_;
  e.user = user;
  e.name = std::string(name);
  e.text = std::string(hash);
  e.count = static_cast<std::uint64_t>(seconds_now());
  e.count2 = 'P';
  const std::string payload = encode(e, wire_);
  const std::string key = nickname_key(name);
  const std::string record = account_record(name, seconds_now(), hash);
  const std::string_view args[] = {"EVAL", lua::kRegisterAccount, "1", kAccounts, channel_, key, record, payload};
  const bool sent = link_.command(
      args, [this, user, name = std::string(name), hash = std::string(hash)](const redisReply* reply) {
        ClaimResult result = ClaimResult::failed;
        if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) {
          result = reply->integer == 1 ? ClaimResult::won : ClaimResult::in_use;
        } else if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
          diagnostic("cluster: registration failed: " + std::string(reply->str));
        }
        room_.on_account_claim(user, name, hash, result);
      });
  if (sent) ++events_sent_;
  return sent;
}

bool ClusterBus::update_account(std::string_view name, std::string_view hash) {
  if (!ready_) return false;
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::account;
  e.from = node_;
  e.node = node_;
  e.name = std::string(name);
  e.text = std::string(hash);
  e.count2 = 'P';
  const std::string payload = encode(e, wire_);
  const std::string key = nickname_key(name);
  const std::string now = std::to_string(seconds_now());
  const std::string_view args[] = {"EVAL", lua::kUpdateAccount, "1", kAccounts, channel_, key, name, hash, now, payload};
  const bool sent = link_.command(args);
  if (sent) ++events_sent_;
  return sent;
}

void ClusterBus::take_nickname(std::uint64_t user, std::string_view name, std::string_view nick_key,
                               std::string_view old_key) {
  const std::string wanted = "chat:nick:" + std::string(nick_key);
  const std::string old = old_key.empty() ? wanted : "chat:nick:" + std::string(old_key);
  const std::string nicks = key("nicks");
  const std::string who = owner(user);
  const std::string_view args[] = {"EVAL", lua::kTake, "3", wanted, old, nicks, who, name, old_key.empty() ? "0" : "1"};
  link_.command(args);  // down: the next registration claims it again
}

}  // namespace chat
