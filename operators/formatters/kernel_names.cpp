// SPDX-License-Identifier: Apache-2.0
#include "operators/formatters/kernel_names.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <utility>

namespace ig {
namespace {

struct Syscall {
    std::uint64_t nr;
    const char* name;
};
constexpr Syscall kSyscalls[] = {
#include "syscall_names.inc"
};

} // namespace

std::string errno_name(std::uint32_t err) {
    if (err == 0)
        return "";
    if (const char* n = strerrorname_np(static_cast<int>(err)))
        return n;
    return "error#" + std::to_string(err);
}

std::string open_flags_string(std::uint32_t flags) {
    // The host's <fcntl.h> values: gadgets run on the machine that prints their events.
    static constexpr std::pair<std::uint32_t, const char*> bits[] = {
        {O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},           {O_NOCTTY, "O_NOCTTY"},
        {O_TRUNC, "O_TRUNC"},         {O_APPEND, "O_APPEND"},       {O_NONBLOCK, "O_NONBLOCK"},
        {O_DSYNC, "O_DSYNC"},         {O_ASYNC, "O_ASYNC"},         {O_DIRECT, "O_DIRECT"},
        {O_LARGEFILE, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
        {O_NOATIME, "O_NOATIME"},     {O_CLOEXEC, "O_CLOEXEC"},     {O_PATH, "O_PATH"},
    };
    std::string out;
    switch (flags & O_ACCMODE) {
    case O_RDONLY:
        out = "O_RDONLY";
        break;
    case O_WRONLY:
        out = "O_WRONLY";
        break;
    case O_RDWR:
        out = "O_RDWR";
        break;
    default:
        out = "O_ACCMODE";
    }
    std::uint32_t rest = flags & ~static_cast<std::uint32_t>(O_ACCMODE);
    // O_SYNC includes O_DSYNC; O_TMPFILE includes O_DIRECTORY: name the composite first.
    if ((rest & O_SYNC) == static_cast<std::uint32_t>(O_SYNC)) {
        out += "|O_SYNC";
        rest &= ~static_cast<std::uint32_t>(O_SYNC);
    }
    if ((rest & O_TMPFILE) == static_cast<std::uint32_t>(O_TMPFILE)) {
        out += "|O_TMPFILE";
        rest &= ~static_cast<std::uint32_t>(O_TMPFILE);
    }
    for (const auto& [bit, name] : bits)
        if (rest & bit) {
            out += '|';
            out += name;
            rest &= ~bit;
        }
    if (rest) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "|0%o", rest);
        out += hex;
    }
    return out;
}

std::string file_mode_string(std::uint32_t mode) {
    char s[11];
    switch (mode & S_IFMT) {
    case S_IFDIR:
        s[0] = 'd';
        break;
    case S_IFLNK:
        s[0] = 'l';
        break;
    case S_IFCHR:
        s[0] = 'c';
        break;
    case S_IFBLK:
        s[0] = 'b';
        break;
    case S_IFIFO:
        s[0] = 'p';
        break;
    case S_IFSOCK:
        s[0] = 's';
        break;
    default:
        s[0] = '-';
    }
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        s[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
    if (mode & S_ISUID)
        s[3] = (mode & S_IXUSR) ? 's' : 'S';
    if (mode & S_ISGID)
        s[6] = (mode & S_IXGRP) ? 's' : 'S';
    if (mode & S_ISVTX)
        s[9] = (mode & S_IXOTH) ? 't' : 'T';
    s[10] = '\0';
    return s;
}

std::string signal_name(std::uint32_t sig) {
    if (const char* abbrev = sig < 65 ? sigabbrev_np(static_cast<int>(sig)) : nullptr)
        return std::string("SIG") + abbrev;
    return "signal#" + std::to_string(sig);
}

std::string syscall_name(std::uint64_t nr) {
    for (const auto& s : kSyscalls)
        if (s.nr == nr) {
            std::string out = "SYS_";
            for (const char* p = s.name; *p; ++p)
                out += static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
            return out;
        }
    return "syscall#" + std::to_string(nr);
}

} // namespace ig
