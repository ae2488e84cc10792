#include "cli/on_demand.hpp"

#include <cstdio>
#include <sstream>
#include <string_view>

#include "cli/commands.hpp"
#include "util/file.hpp"
#include "util/log.hpp"

namespace strata::cli {

OnDemandOutput::OnDemandOutput(std::string dir) : m_dir(std::move(dir)) {}

util::Status OnDemandOutput::prepare() const {
  if (auto st = util::make_dirs(m_dir); !st) {
    return util::input_error("result directory {} (SCANNER_RESULT_DIR): {}", m_dir,
                             st.error().message);
  }
  return {};
}

void OnDemandOutput::write_error(std::string_view message) const {
  std::ostringstream out;
  report::write_neuvector_error(message, out);
  if (auto st = util::write_file_atomic(m_dir + "/scan_result.json", out.str()); !st) {
    LOG_WARN("{}", st.error().message);
  }
  std::remove((m_dir + "/scan_result.strata.json").c_str());
}

int OnDemandOutput::fail(const util::Error& error) const {
  write_error(error.message);
  return report_error(error);
}

int OnDemandOutput::succeed(const model::ScanResult& result, const OutputOptions& options,
                            const report::NeuVectorOptions& neuvector) const {
  const report::DocumentInfo doc = document_info(options);
  const std::pair<const char*, std::string> files[] = {
      {"neuvector", m_dir + "/scan_result.json"}, {"json", m_dir + "/scan_result.strata.json"}};
  for (const auto& [format, path] : files) {
    if (auto st = write_report(result, options, format, path, neuvector, doc); !st) {
      return report_error(st.error());
    }
  }
  if (auto st = write_report_files(result, options, neuvector, doc); !st) {
    return report_error(st.error());
  }
  std::string stdout_format = options.format.empty() ? "table" : options.format;
  if (auto st = write_report(result, options, stdout_format, "", neuvector, doc); !st) {
    return report_error(st.error());
  }
  if (!options.output.empty()) {
    if (auto st = write_report(result, options, options.format, options.output, neuvector, doc);
        !st) {
      return report_error(st.error());
    }
  }
  return findings_exit_code(result, options);
}

}  // namespace strata::cli
