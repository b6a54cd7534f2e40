// lockedges — reading and writing whole files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace lockedges {

// The bytes of `path`; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Writes `text` beside `path` and renames it into place, so no reader ever
// sees half a file; on failure the temporary file is removed. Returns why it
// failed (errno's, or the rename's error), or no error when `path` now holds
// `text`.
std::error_code write_file(const std::filesystem::path& path, std::string_view text);

// The same, saying why in `error`: "cannot write <path>.tmp: <why>" or
// "cannot rename <path>.tmp to <path>: <why>". Returns whether `path` now
// holds `text`.
bool write_file(const std::filesystem::path& path, std::string_view text, std::string& error);

}  // namespace lockedges
