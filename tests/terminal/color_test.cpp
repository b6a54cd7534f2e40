// When output is coloured (terminal/color): only on a terminal, without
// NO_COLOR or --no-color.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "terminal/color.hpp"

namespace lockedges {
namespace {

class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ >= 0 && grantpt(master_) == 0 && unlockpt(master_) == 0) slave_ = open(ptsname(master_), O_RDWR | O_NOCTTY);
  }
  ~Pty() {
    if (slave_ >= 0) close(slave_);
    if (master_ >= 0) close(master_);
  }
  int fd() const { return slave_; }

 private:
  int master_ = -1;
  int slave_ = -1;
};

TEST(Color, OnlyOnATerminalWithoutNoColorOrTheFlag) {
  Pty pty;
  ASSERT_GE(pty.fd(), 0) << "no pseudo-terminal";
  const char* saved = std::getenv("NO_COLOR");
  const std::string restore = saved ? saved : "";
  unsetenv("NO_COLOR");
  EXPECT_TRUE(use_color(false, pty.fd()));
  EXPECT_FALSE(use_color(true, pty.fd())) << "--no-color";
  setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(use_color(false, pty.fd())) << "NO_COLOR=1";
  setenv("NO_COLOR", "", 1);
  EXPECT_TRUE(use_color(false, pty.fd())) << "an empty NO_COLOR does not count";
  const int null_fd = open("/dev/null", O_WRONLY);
  unsetenv("NO_COLOR");
  EXPECT_FALSE(use_color(false, null_fd)) << "not a terminal";
  close(null_fd);
  if (saved) setenv("NO_COLOR", restore.c_str(), 1);
}

// ---- FIX tags ----------------------------------------------------------------

}  // namespace
}  // namespace lockedges
