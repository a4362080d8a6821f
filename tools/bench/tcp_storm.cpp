// SPDX-License-Identifier: Apache-2.0
// Workload for the benchmarks: loopback TCP connect/accept/close cycles as fast as possible,
// bounded by a count. Prints cycles/s on stdout. With --refused, connects to a closed port.
//
//   tcp_storm [--cycles N] [--refused] [--ipv6]
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

[[noreturn]] void die(const char* what) {
    std::perror(what);
    std::exit(1);
}

} // namespace

int main(int argc, char** argv) {
    long cycles = 50000;
    bool refused = false, ipv6 = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--cycles" && i + 1 < argc)
            cycles = std::strtol(argv[++i], nullptr, 10);
        else if (a == "--refused")
            refused = true;
        else if (a == "--ipv6")
            ipv6 = true;
        else {
            std::fprintf(stderr, "usage: %s [--cycles N] [--refused] [--ipv6]\n", argv[0]);
            return 2;
        }
    }
    if (cycles <= 0 || cycles > 100000000) {
        std::fprintf(stderr, "--cycles must be between 1 and 1e8\n");
        return 2;
    }
    int family = ipv6 ? AF_INET6 : AF_INET;
    sockaddr_storage addr{};
    socklen_t len;
    if (ipv6) {
        auto* a6 = reinterpret_cast<sockaddr_in6*>(&addr);
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_loopback;
        len = sizeof *a6;
    } else {
        auto* a4 = reinterpret_cast<sockaddr_in*>(&addr);
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a4;
    }
    int srv = socket(family, SOCK_STREAM, 0);
    if (srv < 0 || bind(srv, reinterpret_cast<sockaddr*>(&addr), len) != 0)
        die("bind");
    if (getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        die("getsockname");
    std::thread acceptor;
    if (refused) {
        close(srv); // the port is now closed: every connect is refused
    } else {
        if (listen(srv, 4096) != 0)
            die("listen");
        acceptor = std::thread([srv, cycles] {
            for (long i = 0; i < cycles; ++i) {
                int c = accept(srv, nullptr, nullptr);
                if (c < 0)
                    die("accept");
                close(c);
            }
        });
    }
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < cycles; ++i) {
        int c = socket(family, SOCK_STREAM, 0);
        if (c < 0)
            die("socket");
        int r = connect(c, reinterpret_cast<sockaddr*>(&addr), len);
        if (!refused && r != 0)
            die("connect");
        close(c);
    }
    if (acceptor.joinable())
        acceptor.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%ld cycles in %.3f s: %.0f cycles/s\n", cycles, secs, cycles / secs);
    if (!refused)
        close(srv);
    return 0;
}
