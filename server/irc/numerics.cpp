#include "irc/numerics.h"

#include <algorithm>
#include <array>
#include <vector>

#include "irc/serializer.h"

namespace chat::irc {

namespace {

using N = Numeric;

constexpr std::array kTable{
    NumericInfo{N::RPL_WELCOME, "RPL_WELCOME", ""},
    NumericInfo{N::RPL_YOURHOST, "RPL_YOURHOST", ""},
    NumericInfo{N::RPL_CREATED, "RPL_CREATED", ""},
    NumericInfo{N::RPL_MYINFO, "RPL_MYINFO", ""},
    NumericInfo{N::RPL_ISUPPORT, "RPL_ISUPPORT", "are supported by this server"},
    NumericInfo{N::RPL_UMODEIS, "RPL_UMODEIS", ""},
    NumericInfo{N::RPL_LUSERCLIENT, "RPL_LUSERCLIENT", ""},
    NumericInfo{N::RPL_LUSEROP, "RPL_LUSEROP", "operator(s) online"},
    NumericInfo{N::RPL_LUSERUNKNOWN, "RPL_LUSERUNKNOWN", "unknown connection(s)"},
    NumericInfo{N::RPL_LUSERCHANNELS, "RPL_LUSERCHANNELS", "channels formed"},
    NumericInfo{N::RPL_LUSERME, "RPL_LUSERME", ""},
    NumericInfo{N::RPL_LOCALUSERS, "RPL_LOCALUSERS", ""},
    NumericInfo{N::RPL_GLOBALUSERS, "RPL_GLOBALUSERS", ""},
    NumericInfo{N::RPL_AWAY, "RPL_AWAY", ""},
    NumericInfo{N::RPL_UNAWAY, "RPL_UNAWAY", "You are no longer marked as being away"},
    NumericInfo{N::RPL_NOWAWAY, "RPL_NOWAWAY", "You have been marked as being away"},
    NumericInfo{N::RPL_WHOISUSER, "RPL_WHOISUSER", ""},
    NumericInfo{N::RPL_WHOISSERVER, "RPL_WHOISSERVER", ""},
    NumericInfo{N::RPL_WHOISOPERATOR, "RPL_WHOISOPERATOR", "is an IRC operator"},
    NumericInfo{N::RPL_WHOWASUSER, "RPL_WHOWASUSER", ""},
    NumericInfo{N::RPL_ENDOFWHO, "RPL_ENDOFWHO", "End of WHO list"},
    NumericInfo{N::RPL_WHOISIDLE, "RPL_WHOISIDLE", "seconds idle, signon time"},
    NumericInfo{N::RPL_ENDOFWHOIS, "RPL_ENDOFWHOIS", "End of /WHOIS list"},
    NumericInfo{N::RPL_WHOISCHANNELS, "RPL_WHOISCHANNELS", ""},
    NumericInfo{N::RPL_LISTSTART, "RPL_LISTSTART", "Users  Name"},
    NumericInfo{N::RPL_LIST, "RPL_LIST", ""},
    NumericInfo{N::RPL_LISTEND, "RPL_LISTEND", "End of /LIST"},
    NumericInfo{N::RPL_CHANNELMODEIS, "RPL_CHANNELMODEIS", ""},
    NumericInfo{N::RPL_CREATIONTIME, "RPL_CREATIONTIME", ""},
    NumericInfo{N::RPL_WHOISACCOUNT, "RPL_WHOISACCOUNT", "is logged in as"},
    NumericInfo{N::RPL_NOTOPIC, "RPL_NOTOPIC", "No topic is set"},
    NumericInfo{N::RPL_TOPIC, "RPL_TOPIC", ""},
    NumericInfo{N::RPL_TOPICWHOTIME, "RPL_TOPICWHOTIME", ""},
    NumericInfo{N::RPL_INVITING, "RPL_INVITING", ""},
    NumericInfo{N::RPL_WHOREPLY, "RPL_WHOREPLY", ""},
    NumericInfo{N::RPL_NAMREPLY, "RPL_NAMREPLY", ""},
    NumericInfo{N::RPL_ENDOFNAMES, "RPL_ENDOFNAMES", "End of /NAMES list"},
    NumericInfo{N::RPL_BANLIST, "RPL_BANLIST", ""},
    NumericInfo{N::RPL_ENDOFBANLIST, "RPL_ENDOFBANLIST", "End of channel ban list"},
    NumericInfo{N::RPL_MOTD, "RPL_MOTD", ""},
    NumericInfo{N::RPL_MOTDSTART, "RPL_MOTDSTART", ""},
    NumericInfo{N::RPL_ENDOFMOTD, "RPL_ENDOFMOTD", "End of /MOTD command"},
    NumericInfo{N::RPL_YOUREOPER, "RPL_YOUREOPER", "You are now an IRC operator"},
    NumericInfo{N::ERR_UNKNOWNERROR, "ERR_UNKNOWNERROR", ""},
    NumericInfo{N::ERR_NOSUCHNICK, "ERR_NOSUCHNICK", "No such nick/channel"},
    NumericInfo{N::ERR_NOSUCHCHANNEL, "ERR_NOSUCHCHANNEL", "No such channel"},
    NumericInfo{N::ERR_CANNOTSENDTOCHAN, "ERR_CANNOTSENDTOCHAN", "Cannot send to channel"},
    NumericInfo{N::ERR_TOOMANYCHANNELS, "ERR_TOOMANYCHANNELS", "You have joined too many channels"},
    NumericInfo{N::ERR_NOORIGIN, "ERR_NOORIGIN", "No origin specified"},
    NumericInfo{N::ERR_INVALIDCAPCMD, "ERR_INVALIDCAPCMD", "Invalid CAP command"},
    NumericInfo{N::ERR_NORECIPIENT, "ERR_NORECIPIENT", "No recipient given"},
    NumericInfo{N::ERR_NOTEXTTOSEND, "ERR_NOTEXTTOSEND", "No text to send"},
    NumericInfo{N::ERR_INPUTTOOLONG, "ERR_INPUTTOOLONG", "Input line was too long"},
    NumericInfo{N::ERR_UNKNOWNCOMMAND, "ERR_UNKNOWNCOMMAND", "Unknown command"},
    NumericInfo{N::ERR_NOMOTD, "ERR_NOMOTD", "MOTD File is missing"},
    NumericInfo{N::ERR_NONICKNAMEGIVEN, "ERR_NONICKNAMEGIVEN", "No nickname given"},
    NumericInfo{N::ERR_ERRONEUSNICKNAME, "ERR_ERRONEUSNICKNAME", "Erroneous nickname"},
    NumericInfo{N::ERR_NICKNAMEINUSE, "ERR_NICKNAMEINUSE", "Nickname is already in use"},
    NumericInfo{N::ERR_NICKCOLLISION, "ERR_NICKCOLLISION", "Nickname collision"},
    NumericInfo{N::ERR_USERNOTINCHANNEL, "ERR_USERNOTINCHANNEL", "They aren't on that channel"},
    NumericInfo{N::ERR_NOTONCHANNEL, "ERR_NOTONCHANNEL", "You're not on that channel"},
    NumericInfo{N::ERR_USERONCHANNEL, "ERR_USERONCHANNEL", "is already on channel"},
    NumericInfo{N::ERR_NOTREGISTERED, "ERR_NOTREGISTERED", "You have not registered"},
    NumericInfo{N::ERR_NEEDMOREPARAMS, "ERR_NEEDMOREPARAMS", "Not enough parameters"},
    NumericInfo{N::ERR_ALREADYREGISTERED, "ERR_ALREADYREGISTERED", "You may not reregister"},
    NumericInfo{N::ERR_PASSWDMISMATCH, "ERR_PASSWDMISMATCH", "Password incorrect"},
    NumericInfo{N::ERR_YOUREBANNEDCREEP, "ERR_YOUREBANNEDCREEP", "You are banned from this server"},
    NumericInfo{N::ERR_CHANNELISFULL, "ERR_CHANNELISFULL", "Cannot join channel (+l)"},
    NumericInfo{N::ERR_UNKNOWNMODE, "ERR_UNKNOWNMODE", "is unknown mode char to me"},
    NumericInfo{N::ERR_INVITEONLYCHAN, "ERR_INVITEONLYCHAN", "Cannot join channel (+i)"},
    NumericInfo{N::ERR_BANNEDFROMCHAN, "ERR_BANNEDFROMCHAN", "Cannot join channel (+b)"},
    NumericInfo{N::ERR_BADCHANNELKEY, "ERR_BADCHANNELKEY", "Cannot join channel (+k)"},
    NumericInfo{N::ERR_BADCHANMASK, "ERR_BADCHANMASK", "Bad Channel Mask"},
    NumericInfo{N::ERR_NOCHANMODES, "ERR_NOCHANMODES", "Channel doesn't support modes"},
    NumericInfo{N::ERR_NOPRIVILEGES, "ERR_NOPRIVILEGES", "Permission Denied- You're not an IRC operator"},
    NumericInfo{N::ERR_CHANOPRIVSNEEDED, "ERR_CHANOPRIVSNEEDED", "You're not channel operator"},
    NumericInfo{N::ERR_NOOPERHOST, "ERR_NOOPERHOST", "No O-lines for your host"},
    NumericInfo{N::ERR_UMODEUNKNOWNFLAG, "ERR_UMODEUNKNOWNFLAG", "Unknown MODE flag"},
    NumericInfo{N::ERR_USERSDONTMATCH, "ERR_USERSDONTMATCH", "Cant change mode for other users"},
    NumericInfo{N::RPL_LOGGEDIN, "RPL_LOGGEDIN", ""},
    NumericInfo{N::RPL_LOGGEDOUT, "RPL_LOGGEDOUT", "You are now logged out"},
    NumericInfo{N::ERR_NICKLOCKED, "ERR_NICKLOCKED", "You must use a nick assigned to you"},
    NumericInfo{N::RPL_SASLSUCCESS, "RPL_SASLSUCCESS", "SASL authentication successful"},
    NumericInfo{N::ERR_SASLFAIL, "ERR_SASLFAIL", "SASL authentication failed"},
    NumericInfo{N::ERR_SASLTOOLONG, "ERR_SASLTOOLONG", "SASL message too long"},
    NumericInfo{N::ERR_SASLABORTED, "ERR_SASLABORTED", "SASL authentication aborted"},
    NumericInfo{N::ERR_SASLALREADY, "ERR_SASLALREADY", "You have already authenticated using SASL"},
    NumericInfo{N::RPL_SASLMECHS, "RPL_SASLMECHS", "are available SASL mechanisms"},
};

constexpr bool sorted_and_unique() {
  for (std::size_t i = 1; i < kTable.size(); ++i) {
    if (!(kTable[i - 1].numeric < kTable[i].numeric)) return false;
  }
  return true;
}
static_assert(sorted_and_unique(), "numeric table: in code order, each code once");

}  // namespace

std::span<const NumericInfo> numeric_table() noexcept { return kTable; }

const NumericInfo& info(Numeric n) noexcept {
  // Every enumerator is in the table (the unit test checks it).
  return *std::lower_bound(kTable.begin(), kTable.end(), n,
                           [](const NumericInfo& i, Numeric want) { return i.numeric < want; });
}

std::string code(Numeric n) {
  const auto v = static_cast<unsigned>(n);
  return {static_cast<char>('0' + v / 100), static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

void append_numeric(std::string& out, std::string_view server, std::string_view target, Numeric n,
                    std::initializer_list<std::string_view> params, std::string_view text) {
  const std::string digits = code(n);
  if (text.empty()) text = info(n).text;
  std::vector<std::string_view> all;
  all.reserve(params.size() + 2);
  all.push_back(target);
  all.insert(all.end(), params.begin(), params.end());
  if (!text.empty()) all.push_back(text);
  if (!append_message(out, OutMessage{.source = server, .command = digits, .params = all})) {
    // A middle parameter that cannot be written (empty, or with a space)
    // is a bug of the caller; the reply still goes out, with "*" there.
    for (std::size_t i = 0; i + 1 < all.size(); ++i) {
      if (all[i].empty() || all[i].front() == ':' || all[i].find(' ') != std::string_view::npos) all[i] = "*";
    }
    append_message(out, OutMessage{.source = server, .command = digits, .params = all});
  }
}

}  // namespace chat::irc
