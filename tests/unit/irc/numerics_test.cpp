#include "irc/numerics.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "irc/isupport.h"
#include "irc/message.h"

using namespace chat::irc;

TEST_CASE("irc numerics: every code once with an RPL_ or ERR_ name") {
  std::set<unsigned> codes;
  for (const NumericInfo& i : numeric_table()) {
    CHECK(codes.insert(static_cast<unsigned>(i.numeric)).second);
    CHECK((i.name.starts_with("RPL_") || i.name.starts_with("ERR_")));
    CHECK(&info(i.numeric) == &i);
  }
  // The ones issue 20 names.
  for (unsigned c : {1U, 2U, 3U, 4U, 5U, 221U, 251U, 252U, 253U, 254U, 255U, 265U, 266U, 301U, 311U, 312U, 313U,
                     314U, 315U, 317U, 318U, 319U, 321U, 322U, 323U, 324U, 329U, 331U, 332U, 333U, 341U, 352U, 353U,
                     366U, 367U, 368U, 372U, 375U, 376U, 381U, 401U, 403U, 404U, 405U, 409U, 411U, 412U, 421U, 422U,
                     431U, 432U, 433U, 436U, 441U, 442U, 443U, 451U, 461U, 462U, 464U, 465U, 471U, 472U, 473U, 474U,
                     475U, 476U, 477U, 481U, 482U, 501U, 502U, 900U, 901U, 902U, 903U, 904U, 905U, 906U, 907U, 908U}) {
    INFO(c);
    CHECK(codes.count(c) == 1);
  }
}

TEST_CASE("irc numerics: three digits and the default text") {
  CHECK(code(Numeric::RPL_WELCOME) == "001");
  CHECK(code(Numeric::ERR_NICKNAMEINUSE) == "433");
  CHECK(info(Numeric::ERR_NICKNAMEINUSE).name == "ERR_NICKNAMEINUSE");
  std::string out;
  append_numeric(out, "irc.example", "alice", Numeric::ERR_NICKNAMEINUSE, {"bob"});
  append_numeric(out, "irc.example", "*", Numeric::ERR_NOTREGISTERED);
  append_numeric(out, "irc.example", "alice", Numeric::ERR_BANNEDFROMCHAN, {"#rust"}, "Cannot join channel (+b) - banned");
  CHECK(out ==
        ":irc.example 433 alice bob :Nickname is already in use\r\n"
        ":irc.example 451 * :You have not registered\r\n"
        ":irc.example 474 alice #rust :Cannot join channel (+b) - banned\r\n");
}

TEST_CASE("irc numerics: an unwritable middle parameter becomes a star") {
  std::string out;
  append_numeric(out, "s", "alice", Numeric::ERR_NOSUCHNICK, {""});
  CHECK(out == ":s 401 alice * :No such nick/channel\r\n");
}

TEST_CASE("irc isupport: the tokens state the chat's rules") {
  const auto tokens = isupport_tokens(IsupportSettings{});
  const std::set<std::string> have(tokens.begin(), tokens.end());
  for (const char* want : {"CASEMAPPING=rfc8265", "CHANTYPES=#", "NICKLEN=32", "CHANNELLEN=33", "TOPICLEN=300",
                           "PREFIX=(ov)@+", "CHANMODES=b,,,int", "MODES=4", "UTF8ONLY", "NETWORK=chat",
                           "TARGMAX=JOIN:,KICK:4,NAMES:4,NOTICE:4,PART:,PRIVMSG:4,WHOIS:1"}) {
    INFO(want);
    CHECK(have.count(want) == 1);
  }
  for (const std::string& t : tokens) {
    for (char c : t) CHECK(static_cast<unsigned char>(c) < 0x80);  // ASCII only (irctest checks it)
    CHECK(t.find(' ') == std::string::npos);
  }
}

TEST_CASE("irc isupport: at most 13 tokens per 005 and every line within 512 bytes") {
  IsupportSettings s;
  s.network = "a-rather-long-network-name";
  std::string out;
  append_isupport(out, "irc.example", "alice", s);
  std::size_t lines = 0, tokens = 0;
  std::string_view rest = out;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    REQUIRE(end != std::string_view::npos);
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    CHECK(line.size() + 2 <= kMaxLineBytes);
    auto r = parse_message(line);
    REQUIRE(std::holds_alternative<Message>(r));
    const Message& m = std::get<Message>(r);
    CHECK(m.command == "005");
    CHECK(m.params.front() == "alice");
    CHECK(m.params.back() == "are supported by this server");
    CHECK(m.params.size() <= 15);
    tokens += m.params.size() - 2;
    ++lines;
  }
  CHECK(lines == 2);
  CHECK(tokens == isupport_tokens(s).size());
}
