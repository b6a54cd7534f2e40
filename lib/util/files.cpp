#include "util/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace lockedges {

namespace {

struct WriteFailure {
  std::error_code error;
  bool renaming = false;  // the temporary file was written, and could not be renamed into place
};

WriteFailure write_straight(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (out) out.close();
  if (!out) return {std::error_code(errno, std::generic_category())};
  return {};
}

WriteFailure write_then_rename(const std::filesystem::path& path, const std::filesystem::path& tmp,
                               std::string_view text) {
  // A device, a pipe or a terminal (/dev/null, /dev/stdout, a FIFO) is
  // written as it is: renaming a file over it would replace it, which root
  // may do to /dev/null. Only regular files and new paths get the rename.
  std::error_code kind_error;
  const auto kind = std::filesystem::status(path, kind_error).type();
  if (!kind_error && kind != std::filesystem::file_type::regular && kind != std::filesystem::file_type::not_found &&
      kind != std::filesystem::file_type::directory)
    return write_straight(path, text);
  {
    std::ofstream out(tmp, std::ios::binary);
    if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (out) out.close();
    if (!out) {
      const std::error_code error(errno, std::generic_category());
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return {error};
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return {ec, true};
  }
  return {};
}

std::filesystem::path temporary_for(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  return tmp += ".tmp";
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::error_code write_file(const std::filesystem::path& path, std::string_view text) {
  return write_then_rename(path, temporary_for(path), text).error;
}

bool write_file(const std::filesystem::path& path, std::string_view text, std::string& error) {
  const std::filesystem::path tmp = temporary_for(path);
  const WriteFailure failure = write_then_rename(path, tmp, text);
  if (!failure.error) return true;
  error = failure.renaming ? "cannot rename " + tmp.string() + " to " + path.string() + ": " + failure.error.message()
                           : "cannot write " + tmp.string() + ": " + failure.error.message();
  return false;
}

std::string unwritable_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return path.string() + " is a folder";
  const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
  std::string scratch = (folder / ".lockedges-check-XXXXXX").string();
  const int fd = mkstemp(scratch.data());
  if (fd < 0) return "cannot write in " + folder.string() + ": " + std::strerror(errno);
  close(fd);
  unlink(scratch.c_str());
  return "";
}

FolderClaim::FolderClaim(FolderClaim&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FolderClaim& FolderClaim::operator=(FolderClaim&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FolderClaim::~FolderClaim() {
  if (fd_ >= 0) close(fd_);
}

FolderClaim FolderClaim::claim(const std::filesystem::path& folder, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    error = "cannot create the folder " + folder.string() + ": " + ec.message();
    return {};
  }
  if (!std::filesystem::is_directory(folder, ec)) {
    error = folder.string() + " is not a folder";
    return {};
  }
  const std::filesystem::path lock = folder / ".lockedges.lock";
  // Close-on-exec: a child must not hold the claim after this process ends.
  const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot write in " + folder.string() + ": " + std::strerror(errno);
    return {};
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    char holder[32] = {};
    const ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
    close(fd);
    const std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
    error = why == EWOULDBLOCK
                ? folder.string() + " is in use by another lockedges command" +
                      (pid.empty() ? std::string() : " (pid " + pid + ")") +
                      ": wait for it to end, or give this one another --out"
                : "cannot lock " + lock.string() + ": " + std::strerror(why);
    return {};
  }
  const std::string pid = std::to_string(getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the pid; a second command only says less.
  }
  FolderClaim claim;
  claim.fd_ = fd;
  return claim;
}

}  // namespace lockedges
