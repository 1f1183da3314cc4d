// ClusterBus: one node's link to the others, as one state machine (link up,
// snapshot, register, heartbeat, reap, link down) over the helpers below.
// Over the house's 400 lines on purpose: each step answers the one before
// it through Redis replies, and the order they run in is the thing a reader
// must follow; split across files, that order would be hidden.
#include "cluster/cluster_bus.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <unordered_set>
#include <utility>

#include <unistd.h>

#include "cluster/cluster_scripts.h"
#include "nickname.h"

namespace chat {

namespace {

constexpr std::string_view kNodes = "chat:nodes";
constexpr std::string_view kEpoch = "chat:epoch";
constexpr auto kReapEvery = std::chrono::seconds(1);
// Commands hiredis may hold for a Redis that does not read them: past the
// first bound lines are skipped (the sender told, as for a slow client);
// past the second a presence change cannot be kept, so the link is
// dropped and everything is republished once Redis is back.
constexpr std::size_t kSoftOutput = std::size_t{4} << 20;
constexpr std::size_t kHardOutput = std::size_t{16} << 20;
constexpr std::size_t kMaxEarlyEvents = 100'000;

bool is_presence(ClusterEvent::Kind kind) {
  using Kind = ClusterEvent::Kind;
  return kind == Kind::enter || kind == Kind::leave || kind == Kind::nick || kind == Kind::move;
}

std::string_view text_of(const redisReply* r) {
  return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
             ? std::string_view(r->str, r->len)
             : std::string_view();
}

std::optional<std::uint64_t> number_of(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// Calls fn(node, user, presence, record) for each user in a {node, {id,
// record, ...}, ...} reply (from element `first` on), and fn(node, nullopt,
// nullopt, "") before each node's users.
template <typename Fn>
std::size_t for_each_user(const redisReply* reply, Fn&& fn, std::size_t first = 0) {
  std::size_t bad = 0;
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return 0;
  for (std::size_t i = first; i + 1 < reply->elements; i += 2) {
    const std::string_view node = text_of(reply->element[i]);
    const redisReply* users = reply->element[i + 1];
    fn(node, std::nullopt, std::nullopt, std::string_view());  // the node itself
    if (users->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t j = 0; j + 1 < users->elements; j += 2) {
      const auto id = number_of(text_of(users->element[j]));
      const std::string_view record = text_of(users->element[j + 1]);
      const auto presence = decode_presence(record);
      if (!id || !presence) {
        ++bad;
        continue;
      }
      fn(node, id, presence, record);
    }
  }
  return bad;
}

}  // namespace

ClusterBus::ClusterBus(Chat& room, Poller& poller, const RedisUrl& url, const std::string& address,
                       std::string node, std::chrono::seconds node_timeout, ServerLog& log, int wire_version)
    : room_(room),
      wire_(wire_version),
      node_(std::move(node)),
      node_timeout_(node_timeout),
      heartbeat_every_(std::min<std::chrono::milliseconds>(std::chrono::seconds(1), node_timeout_ / 3)),
      log_(log),
      // Pub/sub ignores SELECT: clusters in other databases of one Redis
      // need channels of their own.
      channel_(url.db == 0 ? "chat:events" : "chat:events:" + std::to_string(url.db)),
      link_(poller, url, address, channel_,
            std::clamp<std::chrono::milliseconds>(node_timeout_ / 2, std::chrono::seconds(1), std::chrono::seconds(5)),
            *this) {
  room_.set_bus(this);
  link_.start(Clock::now());
}

ClusterBus::~ClusterBus() { room_.set_bus(nullptr); }

std::string ClusterBus::key(std::string_view kind) const {
  std::string k = "chat:";
  k += kind;
  k += ':';
  k += node_;
  return k;
}

std::string ClusterBus::owner(std::uint64_t user) const { return node_ + "\n" + std::to_string(user) + "\n"; }

Bus::Sent ClusterBus::publish(ClusterEvent event) {
  if (!link_.up()) {
    if (event.kind == ClusterEvent::Kind::rule) keep_rule(std::move(event));
    return Sent::down;
  }
  event.from = node_;
  if (event.node.empty()) event.node = node_;
  // Presence changes are never skipped: past the hard bound the link is
  // dropped and rebuilt instead. Ours also update this node's users in Redis.
  const bool presence = is_presence(event.kind);
  // Not registered yet for the first time: the registration publishes this
  // node's users as they are then. (Sent now, an earlier run's user with
  // the same id could be overwritten in Redis before its leave is told.)
  if (presence && !ever_ready_) return Sent::down;
  // Only lines (text, /me, /msg) are skipped; presence, rules, accounts
  // and kicks are few and small, and go out or fail the link.
  const bool skippable = event.kind == ClusterEvent::Kind::line || event.kind == ClusterEvent::Kind::direct;
  const std::size_t pending = link_.pending_output();
  if (pending > kHardOutput && !skippable) {
    if (event.kind == ClusterEvent::Kind::rule) keep_rule(std::move(event));  // sent once relinked
    link_.fail("redis is not keeping up (" + std::to_string(pending) + " bytes queued)");
    return Sent::behind;
  }
  if (pending > kSoftOutput && skippable) {
    ++skipped_;
    return Sent::behind;
  }
  const std::string payload = encode(event, wire_);
  bool queued = false;
  if (presence && event.node == node_) {
    const std::string users = key("users");
    const std::string user = std::to_string(event.user);
    const std::string record =
        event.kind == ClusterEvent::Kind::leave ? std::string() : encode_presence(event.name, event.room);
    const std::string_view args[] = {"EVAL", lua::kPresence, "1", users, channel_, user, record, payload};
    queued = link_.command(args);
    if (queued && event.kind == ClusterEvent::Kind::leave && !known_.empty()) {
      // Announced now: not again once registered (a leave in the moment
      // between the link coming up and the node registering).
      std::erase_if(known_, [&](const Gone& g) { return g.user == event.user; });
    }
  } else if (event.kind == ClusterEvent::Kind::rule) {
    queued = publish_rule(event, payload);
  } else {
    const std::string_view args[] = {"PUBLISH", channel_, payload};
    queued = link_.command(args);
  }
  if (queued) ++events_sent_;
  return queued ? Sent::sent : Sent::down;
}

void ClusterBus::claim_nickname(std::uint64_t user, std::string_view name, std::string_view nick_key,
                                std::string_view old_key) {
  const std::string wanted = "chat:nick:" + std::string(nick_key);
  const std::string old = old_key.empty() ? wanted : "chat:nick:" + std::string(old_key);
  const std::string nicks = key("nicks");
  const std::string who = owner(user);
  const std::string_view args[] = {"EVAL", lua::kClaim, "3", wanted, old, nicks, who, name, old_key.empty() ? "0" : "1"};
  const bool sent = link_.command(args, [this, user, name = std::string(name)](const redisReply* reply) {
    if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_INTEGER) {
      if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) diagnostic("cluster: nickname claim failed: " + std::string(reply->str));
      room_.on_claim(user, name, ClaimResult::failed, {});
      return;
    }
    if (reply->element[0]->integer == 1) {
      room_.on_claim(user, name, ClaimResult::won, {});
      return;
    }
    // "NODE\nUSER\nNAME": the holder's name is after the second line break.
    std::string_view holder = text_of(reply->element[1]);
    for (int i = 0; i < 2 && holder.find('\n') != std::string_view::npos; ++i) holder.remove_prefix(holder.find('\n') + 1);
    room_.on_claim(user, name, ClaimResult::in_use, holder);
  });
  if (!sent) room_.on_claim(user, name, ClaimResult::failed, {});
}

void ClusterBus::release_nickname(std::uint64_t user, std::string_view nick_key) {
  const std::string k = "chat:nick:" + std::string(nick_key);
  const std::string nicks = key("nicks");
  const std::string who = owner(user);
  const std::string_view args[] = {"EVAL", lua::kRelease, "2", k, nicks, who};
  link_.command(args);  // down: the next registration frees it
}

void ClusterBus::on_event(const PollEvent& event) { link_.on_event(event); }

void ClusterBus::on_tick(Clock::time_point now) {
  link_.tick(now);
  if (!link_.up()) return;
  if (heartbeat_sent_ && now - *heartbeat_sent_ > node_timeout_) {
    link_.fail("redis did not answer for " + std::to_string(node_timeout_.count() / 1000) + " s");
    return;
  }
  if (now >= next_heartbeat_) send_heartbeat(now);
  if (ready_ && now >= next_reap_) {
    next_reap_ = now + kReapEvery;
    send_reap();
  }
}

int ClusterBus::timeout_ms(Clock::time_point now) const {
  Clock::time_point due = link_.next_deadline();
  if (link_.up()) {
    due = std::min(due, next_heartbeat_);
    if (ready_) due = std::min(due, next_reap_);
    if (heartbeat_sent_) due = std::min(due, *heartbeat_sent_ + node_timeout_);
  }
  if (due == Clock::time_point::max()) return -1;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(due - now).count();
  return static_cast<int>(std::clamp<long long>(wait, 0, 1000));
}

void ClusterBus::send_heartbeat(Clock::time_point now) {
  next_heartbeat_ = now + heartbeat_every_;
  if (heartbeat_sent_) return;  // one at a time: a stuck Redis gets no pile of them
  const std::string alive = key("alive");
  const std::string ms = std::to_string(node_timeout_.count());
  const std::string_view args[] = {"EVAL", lua::kHeartbeat, "2", alive, kNodes, node_, ms};
  // One sent before this node registered (the snapshot is still out) may
  // find it unregistered: that is no news.
  if (!link_.command(args, [this, registered = ready_](const redisReply* reply) {
        heartbeat_sent_.reset();
        if (registered && reply != nullptr && reply->type == REDIS_REPLY_INTEGER && reply->integer == 0) {
          link_.fail("this node was timed out by the cluster");  // re-register from scratch
        }
      })) {
    return;
  }
  heartbeat_sent_ = now;
}

void ClusterBus::send_reap() {
  if (reap_pending_) return;
  const std::string_view args[] = {"EVAL", lua::kReap, "1", kNodes, node_};
  reap_pending_ = link_.command(args, [this](const redisReply* reply) {
    reap_pending_ = false;
    on_reaped(reply);
  });
}

void ClusterBus::on_reaped(const redisReply* reply) {
  std::string node;
  std::size_t users = 0;
  const auto report = [&] {
    if (!node.empty()) {
      log_.event("cluster: node " + node + " timed out: " + std::to_string(users) + (users == 1 ? " user left\n" : " users left\n"));
    }
  };
  for_each_user(reply, [&](std::string_view n, std::optional<std::uint64_t> id, const std::optional<Presence>& p,
                           std::string_view) {
    if (!id) {
      report();
      node = std::string(n);
      users = 0;
      return;
    }
    ++users;
    // This node won the reap: it announces each leave, once, everywhere.
    publish(room_.remote_left(n, *id, p->name, p->room));
  });
  report();
}

ClusterEvent ClusterBus::own_event(ClusterEvent::Kind kind, std::uint64_t user, std::string_view name,
                                   std::string_view room, std::optional<std::size_t> count) const {
  ClusterEvent e;
  e.kind = kind;
  e.from = node_;
  e.node = node_;
  e.user = user;
  e.name = std::string(name);
  e.room = std::string(room);
  e.shown = count.has_value();
  e.count = count.value_or(0);
  return e;
}

void ClusterBus::on_shutdown() {
  if (link_.up()) {
    // Leaving for good: other nodes hear each user leave now, not after
    // --node-timeout.
    std::size_t online = room_.online();
    for (const Chat::LocalUser& u : room_.local_users()) {
      const std::string payload =
          encode(own_event(ClusterEvent::Kind::leave, u.user, u.name, u.room, --online), wire_);
      const std::string_view args[] = {"PUBLISH", channel_, payload};
      link_.command(args);
    }
    const std::string users = key("users"), nicks = key("nicks"), alive = key("alive");
    const std::string_view args[] = {"EVAL", lua::kDeregister, "4", users, nicks, alive, kNodes, node_};
    link_.command(args);
  }
  ready_ = false;
  link_.close();
}

void ClusterBus::on_link_up() {
  reported_unreachable_ = false;
  heartbeat_sent_.reset();
  reap_pending_ = false;
  early_.clear();
  next_heartbeat_ = Clock::now() + heartbeat_every_;
  // First the cluster as Redis holds it, this node's entry included: what
  // the other nodes mirror of this node is what they must hear leave
  // (on_snapshot), before the registration makes them forget it.
  const std::string token = node_ + "\n" + std::to_string(::getpid()) + "\n" +
                            std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  load_state();  // answered before the snapshot: in by the time this node is ready
  const std::string_view snapshot[] = {"EVAL", lua::kSnapshot, "2", kNodes, kEpoch, token};
  link_.command(snapshot, [this](const redisReply* reply) { on_snapshot(reply); });
}

void ClusterBus::on_snapshot(const redisReply* reply) {
  if (reply == nullptr) return;  // the link went down meanwhile
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0 || text_of(reply->element[0]).empty()) {
    link_.fail(reply->type == REDIS_REPLY_ERROR ? "snapshot failed: " + std::string(reply->str) : "snapshot failed");
    return;
  }
  const std::string epoch(text_of(reply->element[0]));
  room_.forget_remote();
  std::vector<Gone> entry;  // this node's users as Redis holds them
  const std::size_t bad = for_each_user(
      reply,
      [&](std::string_view n, std::optional<std::uint64_t> id, const std::optional<Presence>& p,
          std::string_view record) {
        if (!id) return;
        if (n != node_) {
          room_.add_remote(n, *id, p->name, p->room);
        } else {
          entry.push_back(Gone{*id, p->name, p->room, std::string(record)});
        }
      },
      1);
  if (bad > 0) diagnostic("cluster: ignored " + std::to_string(bad) + " malformed user entries in redis");

  // Who is gone: on this process's first registration, every user of the
  // entry (an earlier run under this name: ids restart per process, so they
  // are never compared); later, those no longer here. If Redis lost its
  // data meanwhile (a new epoch), the users the cluster knew of at the loss.
  const bool first = !ever_ready_;
  std::vector<Gone> gone;
  std::unordered_set<std::uint64_t> here;
  if (!first) {
    for (const Chat::LocalUser& u : room_.local_users()) here.insert(u.user);
  }
  for (Gone& g : entry) {
    if (!here.contains(g.user)) gone.push_back(std::move(g));
  }
  if (!first && !epoch_.empty() && epoch != epoch_) {
    for (Gone& g : known_) {
      if (!here.contains(g.user)) gone.push_back(Gone{g.user, std::move(g.name), std::move(g.room), {}});
    }
  }
  known_.clear();
  epoch_ = epoch;
  announce_gone(gone, first);
  register_node();

  for (const ClusterEvent& e : std::exchange(early_, {})) room_.apply_remote(e);
  ready_ = true;
  if (!ever_ready_) {
    ever_ready_ = true;
    log_.event("cluster: connected to redis " + link_.address() + " as node " + node_ + "\n");
  } else {
    log_.event("cluster: link restored\n");
  }
  if (told_lost_) {
    told_lost_ = false;
    room_.on_link_restored();
  }
}

void ClusterBus::announce_gone(const std::vector<Gone>& gone, bool first) {
  if (gone.empty()) return;
  // Each line counts everyone after it, as a reaper would: the other
  // nodes' users, this node's users now, and the gone not yet announced.
  std::size_t online = room_.online() + gone.size();
  std::vector<std::string> payloads;
  payloads.reserve(gone.size());
  for (const Gone& g : gone) {
    payloads.push_back(
        encode(own_event(ClusterEvent::Kind::leave, g.user, g.name, g.room, --online), wire_));
  }
  const std::string users_key = key("users");
  std::vector<std::string> ids;
  ids.reserve(gone.size());
  for (const Gone& g : gone) ids.push_back(std::to_string(g.user));
  std::vector<std::string_view> args = {"EVAL", lua::kLeaves, "1", users_key, channel_};
  for (std::size_t i = 0; i < gone.size(); ++i) {
    args.push_back(ids[i]);
    args.push_back(gone[i].record);
    args.push_back(payloads[i]);
  }
  link_.command(args);
  const std::string users = gone.size() == 1 ? "1 user" : std::to_string(gone.size()) + " users";
  log_.event(first ? "cluster: node " + node_ + " restarted: " + users + " of its last run left\n"
                   : "cluster: " + users + " left while the link was down\n");
}

void ClusterBus::register_node() {
  // Register: this node's users replace whatever Redis had for it, and the
  // other nodes drop what they knew of it ("reset") and hear it again.
  const std::vector<Chat::LocalUser> users = room_.local_users();
  std::vector<std::string> values;
  values.reserve(users.size() * 2 + users.size());
  for (const Chat::LocalUser& u : users) {
    values.push_back(std::to_string(u.user));
    values.push_back(encode_presence(u.name, u.room));
  }
  for (const Chat::LocalUser& u : users) {
    if (u.named) values.push_back("chat:nick:" + nickname_key(u.name));
  }
  ClusterEvent reset;
  reset.kind = ClusterEvent::Kind::reset;
  reset.from = node_;
  reset.node = node_;
  const std::string users_key = key("users"), nicks = key("nicks"), alive = key("alive");
  const std::string ms = std::to_string(node_timeout_.count());
  const std::string reset_payload = encode(reset, wire_);
  const std::string count = std::to_string(users.size());
  std::vector<std::string_view> args = {"EVAL", lua::kRegister, "4", users_key, nicks, alive, kNodes,
                                        node_,  ms,             channel_, reset_payload, count};
  for (const std::string& v : values) args.push_back(v);
  link_.command(args);

  for (const Chat::LocalUser& u : users) {
    const std::string payload = encode(own_event(ClusterEvent::Kind::enter, u.user, u.name, u.room, std::nullopt), wire_);
    const std::string_view publish_args[] = {"PUBLISH", channel_, payload};
    link_.command(publish_args);
  }
  // Nicknames held before the loss are claimed again; one someone else
  // took meanwhile goes back (its holder keeps it).
  for (const Chat::LocalUser& u : users) {
    if (!u.named) continue;
    const std::string k = "chat:nick:" + nickname_key(u.name);
    const std::string who = owner(u.user);
    const std::string_view claim[] = {"EVAL", lua::kClaim, "3", k, k, nicks, who, u.name, "0"};
    link_.command(claim, [this, user = u.user, name = std::string(u.name)](const redisReply* reply) {
      if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
          reply->element[0]->type == REDIS_REPLY_INTEGER && reply->element[0]->integer == 0) {
        room_.revoke_nickname(user, name);
      }
    });
  }
}

void ClusterBus::on_link_down(const std::string& reason, bool was_up) {
  const bool was_ready = ready_;
  ready_ = false;
  if (was_ready) {
    // What the other nodes mirror of this node now; kept (not replaced) if
    // the link drops again before this node has registered.
    known_.clear();
    for (const Chat::LocalUser& u : room_.local_users()) {
      known_.push_back(Gone{u.user, std::string(u.name), std::string(u.room), {}});
    }
  }
  early_.clear();
  heartbeat_sent_.reset();
  reap_pending_ = false;
  if (was_ready || was_up) {
    log_.event("cluster: link lost: " + reason + "\n");
  } else if (!reported_unreachable_) {
    reported_unreachable_ = true;
    log_.event("cluster: cannot reach redis " + link_.address() + ": " + reason + " (retrying)\n");
  }
  if (ever_ready_ && !told_lost_) {
    told_lost_ = true;
    room_.on_link_lost();
  }
}

void ClusterBus::on_message(std::string_view payload) {
  if (cluster_event_sender(payload) == std::string_view(node_)) return;  // our own, back from Redis
  std::optional<ClusterEvent> event = decode_cluster_event(payload);
  if (!event) {
    ++malformed_;
    diagnostic("cluster: malformed", "cluster: malformed event ignored (" + std::to_string(payload.size()) +
                                         " bytes, " + std::to_string(malformed_) + " so far)");
    return;
  }
  if (event->from == node_) return;  // our own, back from Redis
  // For another node: a /msg, a /kick asked of it.
  const bool addressed = event->kind == ClusterEvent::Kind::direct ||
                         (event->kind == ClusterEvent::Kind::kick && event->count2 == 1);
  if (addressed && event->node != node_) return;
  ++events_received_;
  if (!ready_) {
    if (early_.size() >= kMaxEarlyEvents) {
      link_.fail("too many events before the snapshot");
      return;
    }
    early_.push_back(std::move(*event));
    return;
  }
  room_.apply_remote(*event);
}

}  // namespace chat
