// The numeric replies the IRC port sends: code, name and the human text
// that ends the reply when the reply has one (RFC 1459/2812,
// modern.ircdocs.horse "Numerics", ircv3.net "SASL" for 900-908).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace chat::irc {

enum class Numeric : std::uint16_t {
  RPL_WELCOME = 1,
  RPL_YOURHOST = 2,
  RPL_CREATED = 3,
  RPL_MYINFO = 4,
  RPL_ISUPPORT = 5,
  RPL_UMODEIS = 221,
  RPL_LUSERCLIENT = 251,
  RPL_LUSEROP = 252,
  RPL_LUSERUNKNOWN = 253,
  RPL_LUSERCHANNELS = 254,
  RPL_LUSERME = 255,
  RPL_LOCALUSERS = 265,
  RPL_GLOBALUSERS = 266,
  RPL_AWAY = 301,
  RPL_UNAWAY = 305,
  RPL_NOWAWAY = 306,
  RPL_WHOISUSER = 311,
  RPL_WHOISSERVER = 312,
  RPL_WHOISOPERATOR = 313,
  RPL_WHOWASUSER = 314,
  RPL_ENDOFWHO = 315,
  RPL_WHOISIDLE = 317,
  RPL_ENDOFWHOIS = 318,
  RPL_WHOISCHANNELS = 319,
  RPL_LISTSTART = 321,
  RPL_LIST = 322,
  RPL_LISTEND = 323,
  RPL_CHANNELMODEIS = 324,
  RPL_CREATIONTIME = 329,
  RPL_WHOISACCOUNT = 330,
  RPL_NOTOPIC = 331,
  RPL_TOPIC = 332,
  RPL_TOPICWHOTIME = 333,
  RPL_INVITING = 341,
  RPL_WHOREPLY = 352,
  RPL_NAMREPLY = 353,
  RPL_ENDOFNAMES = 366,
  RPL_BANLIST = 367,
  RPL_ENDOFBANLIST = 368,
  RPL_MOTD = 372,
  RPL_MOTDSTART = 375,
  RPL_ENDOFMOTD = 376,
  RPL_YOUREOPER = 381,
  ERR_UNKNOWNERROR = 400,
  ERR_NOSUCHNICK = 401,
  ERR_NOSUCHCHANNEL = 403,
  ERR_CANNOTSENDTOCHAN = 404,
  ERR_TOOMANYCHANNELS = 405,
  ERR_NOORIGIN = 409,
  ERR_INVALIDCAPCMD = 410,
  ERR_NORECIPIENT = 411,
  ERR_NOTEXTTOSEND = 412,
  ERR_INPUTTOOLONG = 417,
  ERR_UNKNOWNCOMMAND = 421,
  ERR_NOMOTD = 422,
  ERR_NONICKNAMEGIVEN = 431,
  ERR_ERRONEUSNICKNAME = 432,
  ERR_NICKNAMEINUSE = 433,
  ERR_NICKCOLLISION = 436,
  ERR_USERNOTINCHANNEL = 441,
  ERR_NOTONCHANNEL = 442,
  ERR_USERONCHANNEL = 443,
  ERR_NOTREGISTERED = 451,
  ERR_NEEDMOREPARAMS = 461,
  ERR_ALREADYREGISTERED = 462,
  ERR_PASSWDMISMATCH = 464,
  ERR_YOUREBANNEDCREEP = 465,
  ERR_CHANNELISFULL = 471,
  ERR_UNKNOWNMODE = 472,
  ERR_INVITEONLYCHAN = 473,
  ERR_BANNEDFROMCHAN = 474,
  ERR_BADCHANNELKEY = 475,
  ERR_BADCHANMASK = 476,
  ERR_NOCHANMODES = 477,
  ERR_NOPRIVILEGES = 481,
  ERR_CHANOPRIVSNEEDED = 482,
  ERR_NOOPERHOST = 491,
  ERR_UMODEUNKNOWNFLAG = 501,
  ERR_USERSDONTMATCH = 502,
  RPL_LOGGEDIN = 900,
  RPL_LOGGEDOUT = 901,
  ERR_NICKLOCKED = 902,
  RPL_SASLSUCCESS = 903,
  ERR_SASLFAIL = 904,
  ERR_SASLTOOLONG = 905,
  ERR_SASLABORTED = 906,
  ERR_SASLALREADY = 907,
  RPL_SASLMECHS = 908,
};

struct NumericInfo {
  Numeric numeric;
  std::string_view name;  // "ERR_NICKNAMEINUSE"
  std::string_view text;  // the closing human text; empty: the reply has none fixed
};

// Every numeric above, by code.
[[nodiscard]] std::span<const NumericInfo> numeric_table() noexcept;
[[nodiscard]] const NumericInfo& info(Numeric n) noexcept;
// The three digits: "001", "433".
[[nodiscard]] std::string code(Numeric n);

// Appends ":SERVER CODE TARGET PARAMS... :TEXT\r\n", where TEXT is `text`
// or, when `text` is empty, the numeric's own text (nothing if it has
// none). `target` is the receiver's nick, "*" before it has one.
void append_numeric(std::string& out, std::string_view server, std::string_view target, Numeric n,
                    std::initializer_list<std::string_view> params = {}, std::string_view text = {});

}  // namespace chat::irc
