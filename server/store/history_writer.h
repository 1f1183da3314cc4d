// The history writer process: the one place chatd writes room history to
// the --store database.
//
// chatd (HistoryStore) starts it as `chatd --history-writer PID` with one end
// of a socketpair on fd 3, sends it a start frame and then one batch at a
// time (writer_frames.h); it writes each batch and prunes its rooms in one
// transaction and answers with the result. It is a process, not a thread,
// for one reason: a write the kernel does not return (a frozen or hung
// disk) holds its caller in uninterruptible sleep, and a process cannot
// exit, even on SIGKILL, while one of its threads is in one. Here only this
// process is held; chatd gives up on it at SIGTERM (kills it and counts the
// lines not written) and exits in time. Killed mid-transaction, it commits
// nothing: SQLite rolls the transaction back at the next open.
//
// It ignores SIGINT, SIGTERM and SIGHUP (a Ctrl-C or a `systemctl stop`
// reaches chatd, which ends it by closing the socket once the last batch
// is written) and dies with chatd (PR_SET_PDEATHSIG on Linux).
#pragma once

namespace chat {

// Runs the writer on `fd` until chatd (process `parent`) closes it; the
// process's exit status.
int run_history_writer(int fd, long parent);

}  // namespace chat
