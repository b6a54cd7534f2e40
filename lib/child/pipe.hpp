// lockedges — a pipe to or from a child, and a reader of its lines that
// gives up when asked to stop (Ctrl-C).
#pragma once

#include <atomic>
#include <optional>
#include <string>

namespace lockedges {

// Both ends close-on-exec: a child gets only the ends run_child hands it
// (ChildSpec::fds). Closes what is still open when it goes.
struct Pipe {
  Pipe();
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close(int end);  // 0: read end, 1: write end; -1 afterwards
  int fd[2] = {-1, -1};
  bool ok = false;
};

// Reads a file descriptor line by line.
class LineReader {
 public:
  // `stop` (may be null) is looked at every poll_ms while no line comes.
  LineReader(int fd, const std::atomic<bool>* stop, int poll_ms = 100) : fd_(fd), stop_(stop), poll_ms_(poll_ms) {}
  // The next line, without its newline; nothing at end-of-file, on an
  // error, or once `stop` is set.
  std::optional<std::string> next();

 private:
  int fd_;
  const std::atomic<bool>* stop_;
  int poll_ms_;
  std::string buffer_;
};

}  // namespace lockedges
