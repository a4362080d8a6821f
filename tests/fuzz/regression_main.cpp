// SPDX-License-Identifier: Apache-2.0
// Without libFuzzer (a gcc build, or clang without IG_FUZZ) each fuzz target is linked with this
// main: it replays every file of the given corpus directories through the target once, so the
// seeds and every crash found earlier run as regression tests in each ctest run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path arg = argv[i];
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file())
                    inputs.push_back(entry.path());
        } else if (std::filesystem::exists(arg)) {
            inputs.push_back(arg);
        } else {
            std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
            return 2;
        }
    }
    std::sort(inputs.begin(), inputs.end());
    for (const auto& path : inputs) {
        std::error_code ec;
        auto size = std::filesystem::file_size(path, ec);
        std::vector<char> bytes(ec ? 0 : size);
        std::ifstream in(path, std::ios::binary);
        if (ec || !in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            return 2;
        }
        // Named before running, so a crash says which input caused it.
        std::fprintf(stderr, "input %s (%zu bytes)\n", path.c_str(), bytes.size());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("%zu inputs ran without a crash\n", inputs.size());
    return inputs.empty() ? 1 : 0;
}
