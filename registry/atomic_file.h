// SPDX-License-Identifier: Apache-2.0
// Crash-safe file writes: write a temp file in the same directory tree, fsync it, rename it over
// the target, fsync the directory. Readers see the old file or the new one, never a mix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ig::registry {

// A unique, not yet existing path "<dir>/<prefix>XXXXXX" (the file is created empty, mode 0600).
std::filesystem::path create_temp_file(const std::filesystem::path& dir, const std::string& prefix);

// Writes bytes to `temp`, fsyncs and renames it to `target`, then fsyncs target's directory.
// Removes `temp` on failure.
void write_file_atomically(const std::filesystem::path& temp, const std::filesystem::path& target,
                           std::string_view bytes);

// Renames an already complete file into place durably (fsync file, rename, fsync directory).
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

void fsync_directory(const std::filesystem::path& dir);

// Reads a whole file; throws RegistryError if it is larger than max_size or unreadable.
std::string read_file_limited(const std::filesystem::path& path, std::uint64_t max_size);

} // namespace ig::registry
