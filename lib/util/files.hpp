// lockedges — reading and writing whole files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lockedges {

// The bytes of `path`; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// Writes `text` beside `path` and renames it into place, so no reader ever
// sees half a file; on failure the temporary file is removed and `error`
// says why. Returns whether `path` now holds `text`.
bool write_file(const std::filesystem::path& path, std::string_view text, std::string& error);

}  // namespace lockedges
