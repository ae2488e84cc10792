// Placeholder: replaced by the real MemFs (being written in parallel).
#include "vfs/mem_fs.hpp"

namespace strata::vfs {
struct MemFs::Impl {};
MemFs::MemFs() : m_impl(std::make_unique<Impl>()) {}
MemFs::~MemFs() = default;
MemFs::MemFs(MemFs&&) noexcept = default;
MemFs& MemFs::operator=(MemFs&&) noexcept = default;
void MemFs::add_file(std::string_view, std::string, std::uint32_t, std::string) {}
void MemFs::add_symlink(std::string_view, std::string, std::string) {}
void MemFs::add_dir(std::string_view, std::uint32_t, std::string) {}
void MemFs::remove(std::string_view) {}
void MemFs::clear_dir(std::string_view) {}
util::Result<std::string> MemFs::read_file(std::string_view, std::uint64_t) const {
  return util::input_error("MemFs: not implemented yet");
}
util::Result<Stat> MemFs::stat(std::string_view) const { return util::input_error("MemFs: not implemented yet"); }
util::Result<Stat> MemFs::lstat(std::string_view) const { return util::input_error("MemFs: not implemented yet"); }
util::Result<std::vector<std::string>> MemFs::list_dir(std::string_view) const {
  return util::input_error("MemFs: not implemented yet");
}
std::size_t MemFs::entry_count() const { return 0; }
std::uint64_t MemFs::content_bytes() const { return 0; }
}  // namespace strata::vfs
