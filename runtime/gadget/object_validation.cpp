// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/object_validation.h"

#include "runtime/error.h"

#include <bpf/btf.h>
#include <gelf.h>
#include <libelf.h>
#include <memory>

namespace ig {
namespace {

struct ElfDeleter {
    void operator()(Elf* e) const { elf_end(e); }
};
struct BtfDeleter {
    void operator()(btf* b) const { btf__free(b); }
};

// Longest chain of typedefs and modifiers followed before calling it a loop; libbpf 1.1 follows
// such chains without a bound.
constexpr int kMaxTypeChain = 32;

void validate_btf(const std::string& where, const void* data, std::size_t size) {
    std::unique_ptr<btf, BtfDeleter> b(btf__new(data, static_cast<std::uint32_t>(size)));
    if (!b)
        throw Error(where + ": the .BTF section is malformed");
    const btf* bt = b.get();
    std::uint32_t n = btf__type_cnt(bt);
    auto check_id = [&](std::uint32_t id, std::uint32_t from) {
        if (id >= n)
            throw Error(where + ": BTF type " + std::to_string(from) + " refers to type " +
                        std::to_string(id) + ", but there are " + std::to_string(n) + " types");
    };
    auto check_name = [&](std::uint32_t off, std::uint32_t from) {
        if (!btf__name_by_offset(bt, off))
            throw Error(where + ": BTF type " + std::to_string(from) +
                        " has a name outside the string section");
    };
    for (std::uint32_t id = 1; id < n; ++id) {
        const btf_type* t = btf__type_by_id(bt, id);
        check_name(t->name_off, id);
        switch (btf_kind(t)) {
        case BTF_KIND_PTR:
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
        case BTF_KIND_VAR:
        case BTF_KIND_DECL_TAG:
        case BTF_KIND_FUNC:
            check_id(t->type, id);
            break;
        case BTF_KIND_ARRAY:
            check_id(btf_array(t)->type, id);
            check_id(btf_array(t)->index_type, id);
            break;
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
            const btf_member* m = btf_members(t);
            for (std::uint16_t i = 0; i < btf_vlen(t); ++i) {
                check_name(m[i].name_off, id);
                check_id(m[i].type, id);
            }
            break;
        }
        case BTF_KIND_ENUM: {
            const struct btf_enum* e = btf_enum(t);
            for (std::uint16_t i = 0; i < btf_vlen(t); ++i)
                check_name(e[i].name_off, id);
            break;
        }
        case BTF_KIND_ENUM64: {
            const struct btf_enum64* e = btf_enum64(t);
            for (std::uint16_t i = 0; i < btf_vlen(t); ++i)
                check_name(e[i].name_off, id);
            break;
        }
        case BTF_KIND_FUNC_PROTO: {
            check_id(t->type, id);
            const btf_param* p = btf_params(t);
            for (std::uint16_t i = 0; i < btf_vlen(t); ++i) {
                check_name(p[i].name_off, id);
                check_id(p[i].type, id);
            }
            break;
        }
        case BTF_KIND_DATASEC: {
            const btf_var_secinfo* v = btf_var_secinfos(t);
            for (std::uint16_t i = 0; i < btf_vlen(t); ++i)
                check_id(v[i].type, id);
            break;
        }
        default:
            break; // INT, FWD, FLOAT: no references
        }
    }
    for (std::uint32_t id = 1; id < n; ++id) {
        std::uint32_t cur = id;
        for (int depth = 0;; ++depth) {
            const btf_type* t = btf__type_by_id(bt, cur);
            if (!t || !(btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t)))
                break;
            if (depth == kMaxTypeChain)
                throw Error(where + ": BTF type " + std::to_string(id) +
                            " starts a loop of typedefs or modifiers");
            cur = t->type;
        }
    }
}

} // namespace

void validate_elf_structure(const std::string& origin, std::span<const std::uint8_t> object) {
    const std::string where = origin + ": corrupt BPF object";
    if (elf_version(EV_CURRENT) == EV_NONE)
        throw Error("libelf is unusable: " + std::string(elf_errmsg(-1)));
    // libelf only reads the buffer (ELF_C_READ_MEMORY), the const_cast is for its C signature.
    std::unique_ptr<Elf, ElfDeleter> elf(elf_memory(
        reinterpret_cast<char*>(const_cast<std::uint8_t*>(object.data())), object.size()));
    if (!elf || elf_kind(elf.get()) != ELF_K_ELF)
        throw Error(where + ": not an ELF file");
    std::size_t shnum = 0, shstrndx = 0;
    if (elf_getshdrnum(elf.get(), &shnum) != 0 || elf_getshdrstrndx(elf.get(), &shstrndx) != 0)
        throw Error(where + ": unreadable section header table");
    if (shstrndx >= shnum)
        throw Error(where + ": section name table index out of range");

    std::size_t symtab = 0, nsyms = 0;
    const void* btf_data = nullptr;
    std::size_t btf_size = 0;
    for (std::size_t i = 1; i < shnum; ++i) {
        Elf_Scn* scn = elf_getscn(elf.get(), i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh))
            throw Error(where + ": unreadable header of section " + std::to_string(i));
        const char* name = elf_strptr(elf.get(), shstrndx, sh.sh_name);
        if (!name)
            throw Error(where + ": section " + std::to_string(i) + " has no valid name");
        if (sh.sh_type != SHT_NOBITS &&
            (sh.sh_offset > object.size() || sh.sh_size > object.size() - sh.sh_offset))
            throw Error(where + ": section " + name + " lies outside the file");
        if (sh.sh_link >= shnum)
            throw Error(where + ": section " + name + " links to a missing section");
        Elf_Data* data = sh.sh_type == SHT_NOBITS ? nullptr : elf_getdata(scn, nullptr);
        if (sh.sh_type != SHT_NOBITS && sh.sh_size && (!data || data->d_size != sh.sh_size))
            throw Error(where + ": unreadable data of section " + name);
        if (sh.sh_type == SHT_SYMTAB) {
            if (symtab)
                throw Error(where + ": more than one symbol table");
            if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_size % sizeof(Elf64_Sym))
                throw Error(where + ": symbol table entries have the wrong size");
            symtab = i;
            nsyms = sh.sh_size / sizeof(Elf64_Sym);
        }
        if (std::string_view(name) == ".BTF" && data) {
            btf_data = data->d_buf;
            btf_size = data->d_size;
        }
    }
    if (!symtab)
        throw Error(where + ": no symbol table");

    // Symbols: names in the string table, section indices in range.
    Elf_Scn* sym_scn = elf_getscn(elf.get(), symtab);
    GElf_Shdr sym_sh;
    gelf_getshdr(sym_scn, &sym_sh);
    Elf_Data* syms = elf_getdata(sym_scn, nullptr);
    for (std::size_t s = 0; s < nsyms; ++s) {
        GElf_Sym sym;
        if (!gelf_getsym(syms, static_cast<int>(s), &sym))
            throw Error(where + ": unreadable symbol " + std::to_string(s));
        if (!elf_strptr(elf.get(), sym_sh.sh_link, sym.st_name))
            throw Error(where + ": symbol " + std::to_string(s) + " has no valid name");
        if (sym.st_shndx >= shnum && sym.st_shndx < SHN_LORESERVE)
            throw Error(where + ": symbol " + std::to_string(s) + " is in a missing section");
    }

    // Relocations: against the symbol table, for an existing section, naming existing symbols.
    for (std::size_t i = 1; i < shnum; ++i) {
        Elf_Scn* scn = elf_getscn(elf.get(), i);
        GElf_Shdr sh;
        gelf_getshdr(scn, &sh);
        if (sh.sh_type == SHT_RELA)
            throw Error(where + ": RELA relocations are not used by BPF objects");
        if (sh.sh_type != SHT_REL)
            continue;
        if (sh.sh_link != symtab || sh.sh_info == 0 || sh.sh_info >= shnum)
            throw Error(where + ": relocation section " + std::to_string(i) +
                        " names a missing section or symbol table");
        if (sh.sh_entsize != sizeof(Elf64_Rel) || sh.sh_size % sizeof(Elf64_Rel))
            throw Error(where + ": relocation entries have the wrong size");
        GElf_Shdr target;
        gelf_getshdr(elf_getscn(elf.get(), sh.sh_info), &target);
        Elf_Data* rels = elf_getdata(scn, nullptr);
        for (std::size_t r = 0; rels && r < sh.sh_size / sizeof(Elf64_Rel); ++r) {
            GElf_Rel rel;
            if (!gelf_getrel(rels, static_cast<int>(r), &rel))
                throw Error(where + ": unreadable relocation");
            if (GELF_R_SYM(rel.r_info) >= nsyms)
                throw Error(where + ": relocation names a missing symbol");
            if (target.sh_type != SHT_NOBITS && rel.r_offset >= target.sh_size)
                throw Error(where + ": relocation outside its section");
        }
    }
    if (btf_data)
        validate_btf(where, btf_data, btf_size);
}

} // namespace ig
