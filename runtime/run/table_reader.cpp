// SPDX-License-Identifier: Apache-2.0
#include "runtime/run/table_reader.h"

#include "runtime/bpf/handles.h"
#include "runtime/error.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace ig {
namespace {

void index_records(const DataSource& ds, Table& out) {
    out.records.clear();
    for (std::size_t off = 0; off + ds.record_size <= out.storage.size(); off += ds.record_size)
        out.records.push_back(Record{&ds, out.storage.data() + off, ds.record_size});
}

} // namespace

void read_iterator(GadgetInstance& instance, const DataSource& ds, Table& out) {
    out.storage.clear();
    for (const auto& prog : ds.programs) {
        bpf::Fd iter(bpf_iter_create(instance.link_fd(prog)));
        if (!iter)
            throw Error(errno_message("starting iterator " + prog + " of " + ds.name, errno));
        std::uint8_t buf[16384];
        while (true) {
            ssize_t n = read(iter.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN)
                continue; // the kernel restarts a seq_file read that hit a retry
            if (n < 0)
                throw Error(errno_message("reading iterator " + prog + " of " + ds.name, errno));
            if (n == 0)
                break;
            if (out.storage.size() + static_cast<std::size_t>(n) > kMaxIteratorBytes)
                throw Error("iterator " + prog + " of " + ds.name + " produced more than " +
                            std::to_string(kMaxIteratorBytes) + " bytes");
            out.storage.insert(out.storage.end(), buf, buf + n);
        }
    }
    if (ds.record_size == 0 || out.storage.size() % ds.record_size != 0)
        throw Error("iterator of " + ds.name + " wrote " + std::to_string(out.storage.size()) +
                    " bytes, not a whole number of " + std::to_string(ds.record_size) +
                    "-byte records");
    index_records(ds, out);
}

void read_map(GadgetInstance& instance, const DataSource& ds, bool reset, Table& out) {
    int fd = instance.map_fd(ds.map_name);
    bpf_map* map = bpf_object__find_map_by_name(instance.object(), ds.map_name.c_str());
    bool is_array = bpf_map__type(map) == BPF_MAP_TYPE_ARRAY;
    std::uint32_t max_entries = bpf_map__max_entries(map);

    std::vector<std::uint8_t> keys;
    std::vector<std::uint8_t> key(ds.key_size), next(ds.key_size);
    bool first = true;
    // Collect keys first: deleting while walking with get_next_key restarts the walk.
    for (std::uint32_t n = 0; n < max_entries; ++n) {
        int err = bpf_map_get_next_key(fd, first ? nullptr : key.data(), next.data());
        if (err) {
            if (errno == ENOENT)
                break;
            throw Error(errno_message("walking map " + ds.map_name, errno));
        }
        keys.insert(keys.end(), next.begin(), next.end());
        key.swap(next);
        first = false;
    }

    out.storage.assign(keys.size() / ds.key_size * ds.record_size, 0);
    std::size_t count = 0;
    std::vector<std::uint8_t> zero(ds.value_size, 0);
    for (std::size_t off = 0; off < keys.size(); off += ds.key_size) {
        const std::uint8_t* k = keys.data() + off;
        std::uint8_t* rec = out.storage.data() + count * ds.record_size;
        std::memcpy(rec, k, ds.key_size);
        int err;
        if (reset && !is_array)
            err = bpf_map_lookup_and_delete_elem(fd, k, rec + ds.value_offset);
        else
            err = bpf_map_lookup_elem(fd, k, rec + ds.value_offset);
        if (err) {
            if (errno == ENOENT)
                continue; // removed by the program since the walk
            throw Error(errno_message("reading map " + ds.map_name, errno));
        }
        if (reset && is_array)
            bpf_map_update_elem(fd, k, zero.data(), BPF_ANY);
        if (is_array && std::memcmp(rec + ds.value_offset, zero.data(), ds.value_size) == 0)
            continue; // untouched array slots are not rows
        ++count;
    }
    out.storage.resize(count * ds.record_size);
    index_records(ds, out);
}

} // namespace ig
