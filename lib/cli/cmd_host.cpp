// `strata host` (and NeuVector's `-n`): the host's own packages; `strata rootfs DIR`: any
// unpacked root filesystem. Both read the tree through host::HostFs (read-only, symlinks kept
// inside the root, special files never opened).

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <optional>

#include "cli/commands.hpp"
#include "cli/on_demand.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "config/on_demand.hpp"
#include "host/host_info.hpp"
#include "scan/scan.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::cli {
namespace {

struct RootfsCliOptions {
  std::string root;
  OutputOptions output;
  MatchFlags match;
  bool include_mounts = false;
  bool include_container_storage = false;
  bool on_demand = false;
};

int run_rootfs(const RootfsCliOptions& o, bool host, const GlobalOptions& globals) {
  std::optional<OnDemandOutput> on_demand;
  if (o.on_demand) {
    on_demand.emplace(config::result_dir(globals.env));
    if (auto st = on_demand->prepare(); !st) {
      return report_error(st.error());
    }
  }
  scan::RootfsOptions opts;
  opts.host = host;
  opts.root = !o.root.empty() ? o.root : host::default_host_root();
  opts.fs.include_mounts = o.include_mounts;
  opts.fs.include_container_storage = o.include_container_storage;
  if (auto st = apply_match_flags(o.match, globals.env, opts); !st) {
    return on_demand ? on_demand->fail(st.error()) : report_error(st.error());
  }
  if (host) {
    LOG_INFO("scanning the host through {}", opts.root);
  }
  auto result = scan::scan_rootfs(opts);
  if (!result) {
    return on_demand ? on_demand->fail(result.error()) : report_error(result.error());
  }
  if (!globals.quiet) {
    for (const auto& w : result->warnings) {
      fmt::print(stderr, "strata: warning: {}\n", util::printable(w, 4096));
    }
  }
  report::NeuVectorOptions nv;
  nv.repository = result->target.name;
  if (on_demand) {
    return on_demand->succeed(*result, o.output, nv);
  }
  return write_scan_output(*result, o.output, nv);
}

void add_rootfs_options(CLI::App& sub, RootfsCliOptions& o, const config::Environment& env) {
  add_match_options(sub, o.match);
  sub.add_flag("--include-mounts", o.include_mounts,
               "Also read /proc, /sys, /dev, /run and mounted non-disk filesystems");
  sub.add_flag("--include-container-storage", o.include_container_storage,
               "Also read /var/lib/docker, /var/lib/containers and /var/lib/containerd");
  add_output_options(sub, o.output, env);
}

}  // namespace

Command add_host_command(CLI::App& app, const GlobalOptions& globals) {
  auto opts = std::make_shared<RootfsCliOptions>();
  auto* sub = app.add_subcommand(
      "host", "Scan the host's own packages (in a container: run with --pid=host and privileges)");
  sub->add_option("--root", opts->root,
                  "The host's root directory (default: /host/proc/1/root, /proc/1/root when "
                  "readable, else /)");
  add_rootfs_options(*sub, *opts, globals.env);
  sub->add_flag("--on-demand", opts->on_demand)->group("");  // set by NeuVector's -n
  return {sub, [opts, &globals] { return run_rootfs(*opts, true, globals); }};
}

Command add_rootfs_command(CLI::App& app, const GlobalOptions& globals) {
  auto opts = std::make_shared<RootfsCliOptions>();
  auto* sub = app.add_subcommand(
      "rootfs", "Scan an unpacked root filesystem: a chroot, a debootstrap tree, a mounted disk");
  sub->add_option("dir", opts->root, "The root directory")->required();
  add_rootfs_options(*sub, *opts, globals.env);
  return {sub, [opts, &globals] { return run_rootfs(*opts, false, globals); }};
}

}  // namespace strata::cli
