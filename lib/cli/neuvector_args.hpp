#pragma once
// strata as a drop-in for the NeuVector scanner (`docker run ... neuvector/scanner`): NeuVector's
// forms of invocation become strata's own arguments.
// - SCANNER_ON_DEMAND mode: `strata` with no arguments and SCANNER_ON_DEMAND=true (or
//   SCANNER_LICENSE set) takes the job from the environment (config/on_demand.hpp);
// - `strata -i REF [image options]`: NeuVector's image form;
// - `strata -n`: NeuVector's host form.
// The first two become `strata image --on-demand REF ...`, the last `strata host --on-demand`;
// --on-demand writes the result files (cli/on_demand.hpp).

#include <string>
#include <vector>

#include "config/environment.hpp"
#include "util/result.hpp"

namespace strata::cli {

// The arguments to parse (program name first): `argv` itself unless one of the forms above
// applies. Errors (usage category) name the variable or option at fault, and are also written to
// the result file. PROXY_URL is exported to libcurl (HTTPS_PROXY, http_proxy) when not set.
util::Result<std::vector<std::string>> neuvector_args(int argc, char** argv,
                                                      const config::Environment& env);

}  // namespace strata::cli
