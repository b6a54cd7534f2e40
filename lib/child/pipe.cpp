#include "child/pipe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace lockedges {

Pipe::Pipe() { ok = ::pipe2(fd, O_CLOEXEC) == 0; }

Pipe::~Pipe() {
  close(0);
  close(1);
}

void Pipe::close(int end) {
  if (fd[end] >= 0) ::close(fd[end]);
  fd[end] = -1;
}

std::optional<std::string> LineReader::next() {
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (stop_ != nullptr && stop_->load()) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, poll_ms_) <= 0) continue;  // timeout or EINTR: look at the flag again
    char chunk[4096];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace lockedges
