// make_man chatd|chat: prints chatd(8) or chat(1) in roff, built from the
// same option tables as --help (server/app/options.cpp, client/options.cpp)
// and the protocol's /help text (server/classic/messages.cpp), so the
// manual cannot drift from the programs. Run at build time by
// packaging/CMakeLists.txt; `man --warnings -l` checks the result in ctest.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "app/options.h"
#include "classic/messages.h"
#include "options.h"  // client/options.h

namespace {

// Text for roff: backslashes and hyphens escaped, and a line that would
// start with a control character made literal.
std::string roff(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

// ".TP" entry: bold names, italic placeholder, the description.
void option(std::string& out, std::string_view name, std::string_view placeholder, std::string_view alias,
            std::string_view help) {
  out += ".TP\n\\fB" + roff(name) + "\\fR";
  if (!placeholder.empty()) out += " \\fI" + roff(placeholder) + "\\fR";
  if (!alias.empty()) out += ", \\fB" + roff(alias) + "\\fR";
  out += "\n" + roff(help) + "\n";
}

// The protocol's commands, from the server's own /help reply:
// ">   /nick NAME       change your nickname".
void commands(std::string& out) {
  const std::string help = chat::msg::help();
  std::size_t at = 0;
  for (std::size_t nl; (nl = help.find('\n', at)) != std::string::npos; at = nl + 1) {
    std::string_view line(help.data() + at, nl - at);
    if (!line.starts_with(">   ")) continue;
    line.remove_prefix(4);
    const auto gap = line.find("  ");
    if (gap == std::string_view::npos) continue;
    const auto text = line.find_first_not_of(' ', gap);
    out += ".TP\n\\fB" + roff(line.substr(0, gap)) + "\\fR\n" + roff(line.substr(text)) + "\n";
  }
}

std::string chatd_page(const std::string& version) {
  std::string out = ".TH CHATD 8 \"\" \"chat " + version + "\" \"System Administration\"\n";
  out += ".SH NAME\nchatd \\- multi\\-user line chat server\n";
  out += ".SH SYNOPSIS\n.B chatd\n[\\fIHOST\\fR] [\\fIPORT\\fR] [\\fIoptions\\fR]\n";
  out += ".SH DESCRIPTION\n"
         "\\fBchatd\\fR serves a chat of plain UTF\\-8 lines over TCP (and TLS) to any number of clients: "
         "\\fBchat\\fR(1), \\fBnc\\fR(1), \\fBtelnet\\fR(1). One thread runs an event loop; every client's "
         "memory, rate and time are bounded by the options below. Log lines go to standard output, "
         "diagnostics (prefixed \"chatd: \") to standard error.\n";
  out += ".SH OPTIONS\n";
  for (const chat::OptionRow& row : chat::option_table()) {
    option(out, row.name, row.placeholder, row.alias, chat::option_description(row));
  }
  out += ".SH CONFIGURATION FILE\n"
         "With \\fB\\-\\-config\\fR \\fIFILE\\fR, chatd reads \\fIname\\fR = \\fIvalue\\fR lines first; "
         "options on the command line override them. Blank lines and lines starting with # are skipped; "
         "a # later in a line is part of the value. A flag's value is yes or no. An unknown name or a bad "
         "value is one line naming the file and line, and exit status 2. "
         "\\fBchatd \\-\\-config\\fR \\fIFILE\\fR \\fB\\-\\-check\\-config\\fR checks it and exits. "
         "SIGHUP re\\-reads it. The names:\n.PP\n";
  bool first = true;
  for (const chat::OptionRow& row : chat::option_table()) {
    if (row.command_line_only) continue;
    out += std::string(first ? "" : ",\n") + "\\fB" + roff(chat::config_name(row)) + "\\fR";
    if (row.live) out += " (applied on SIGHUP)";
    first = false;
  }
  out += ".\n";
  out += ".SH SIGNALS\n"
         ".TP\n\\fBSIGTERM\\fR, \\fBSIGINT\\fR\n"
         "Tell every client \"> Server shutting down\", flush for at most a second, print \"exit\", exit 0.\n"
         ".TP\n\\fBSIGHUP\\fR\n"
         "Reload: re\\-read \\fB\\-\\-config\\fR (the TLS files and the limits marked \"applied on SIGHUP\" "
         "above change at once; one line names what needs a restart) and the TLS certificate and key.\n"
         ".TP\n\\fBSIGUSR1\\fR\n"
         "Log one line of counters on standard error: users online, rooms, open file descriptors, uptime.\n"
         ".TP\n\\fBSIGUSR2\\fR, \\fBSIGPIPE\\fR, \\fBSIGXFSZ\\fR\n"
         "Ignored.\n";
  out += ".SH SYSTEMD\n"
         "Started by systemd, chatd takes its listening sockets from \\fBLISTEN_FDS\\fR (named \\fBplain\\fR, "
         "\\fBtls\\fR and \\fBmetrics\\fR with \\fBFileDescriptorName=\\fR; one unnamed socket is the plain "
         "port) instead of "
         "opening its own, and reports READY=1, STATUS=, STOPPING=1 and, with \\fBWatchdogSec=\\fR, "
         "WATCHDOG=1 over \\fBNOTIFY_SOCKET\\fR.\n";
  out += ".SH METRICS\n"
         "With \\fB\\-\\-metrics\\fR \\fIADDR:PORT\\fR, chatd answers GET /metrics in Prometheus's text "
         "format (users, connections and refusals, lines, deliveries, disconnects by reason, TLS, store, "
         "cluster, event\\-loop lag, process) from its event loop: at most 4 scrapers at once, 5 seconds "
         "each; anything else on that port is refused. Not with \\fB\\-\\-engine threads\\fR.\n";
  out += ".SH IRC\n"
         "With \\fB\\-\\-irc\\-port\\fR \\fIN\\fR, IRC clients (irssi, weechat, HexChat, bots) join the same "
         "chat: one namespace of nicknames, the same rooms (channels) and history. An IRC user may be in "
         "several channels; line users see it in the classic lines. The same limits apply as on the line "
         "port; a close is preceded by an ERROR line. Not with \\fB\\-\\-engine threads\\fR nor "
         "\\fB\\-\\-cluster\\fR. What is served: docs/IRC.md.\n";
  out += ".SH COMMANDS\nWhat a client may send, besides text lines:\n";
  commands(out);
  out += ".SH EXIT STATUS\n0 after a signal asked it to stop; 1 when it cannot listen, open the store or "
         "start its engine; 2 for a bad option, configuration file or TLS file.\n";
  out += ".SH FILES\n.TP\n\\fI/etc/chatd/chatd.conf\\fR\nThe packaged configuration file.\n"
         ".TP\n\\fI/var/lib/chatd\\fR\nThe packaged service's state directory (\\fB\\-\\-store\\fR).\n";
  out += ".SH SEE ALSO\n\\fBchat\\fR(1), \\fBsystemd.socket\\fR(5), \\fBsqlite3\\fR(1)\n";
  return out;
}

std::string chat_page(const std::string& version) {
  std::string out = ".TH CHAT 1 \"\" \"chat " + version + "\" \"User Commands\"\n";
  out += ".SH NAME\nchat \\- terminal client for chatd\n";
  out += ".SH SYNOPSIS\n.B chat\n[\\fIoptions\\fR] [\\fIHOST\\fR [\\fIPORT\\fR] | \\fIHOST\\fR:\\fIPORT\\fR]\n";
  out += ".SH DESCRIPTION\n"
         "\\fBchat\\fR connects to a \\fBchatd\\fR(8) server (default 127.0.0.1 8888) and chats line by line, "
         "with a line editor on a terminal that keeps the line being typed intact while lines arrive. "
         "When standard input is not a terminal, it sends every input line, then waits for the server to "
         "close the connection.\n";
  out += ".SH OPTIONS\n";
  for (const chat::client::OptionRow& row : chat::client::option_table()) {
    option(out, row.name, row.placeholder, row.alias, row.help);
  }
  out += ".SH COMMANDS\nLines starting with / are commands, sent to the server:\n";
  commands(out);
  out += ".TP\n\\fB/reconnect\\fR\nchat's own: retry now while disconnected.\n";
  out += ".SH FILES\n.TP\n\\fI~/.chat_history\\fR\nThe lines you sent (mode 0600); not with "
         "\\fB\\-\\-no\\-history\\fR.\n";
  out += ".SH ENVIRONMENT\n.TP\n\\fBNO_COLOR\\fR\nWhen set, no colours.\n";
  out += ".SH SEE ALSO\n\\fBchatd\\fR(8), \\fBnc\\fR(1)\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc == 2 ? argv[1] : "";
  std::string page;
  if (which == "chatd") {
    page = chatd_page(CHAT_VERSION);
  } else if (which == "chat") {
    page = chat_page(CHAT_VERSION);
  } else {
    std::fputs("usage: make_man chatd|chat\n", stderr);
    return 2;
  }
  std::fputs(page.c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
