#include "registry/credentials.hpp"

#include "image/docker_config.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace strata::registry {

namespace {

std::string first_line(std::string_view text) {
  text = util::trim(text);
  std::string line(text.substr(0, text.find('\n')));
  if (line.size() > 200) {
    line = line.substr(0, 200) + "...";
  }
  return line;
}

// Runs the helper; nullopt when it has no credentials for the server or is not installed.
util::Result<std::optional<image::Credential>> run_helper(const image::CredentialSource& source,
                                                          const std::string& domain,
                                                          const CredentialEnvironment& env) {
  const std::string program = source.program();
  auto path = util::find_on_path(program, env.path);
  if (!path) {
    LOG_WARN("credential helper {} for {} is not on PATH; pulling anonymously", program, domain);
    return std::optional<image::Credential>();
  }
  LOG_DEBUG("registry credentials for {}: running {} get", domain, *path);
  auto run = util::run_process({*path, "get"}, source.server_url + "\n",
                               {.timeout = env.helper_timeout, .max_output = 1u << 20});
  if (!run) {
    return run.error().wrap(fmt::format("credential helper for {}", domain));
  }
  if (run->exit_code != 0) {
    if (image::is_helper_not_found(run->out) || image::is_helper_not_found(run->err)) {
      LOG_DEBUG("{} holds no credentials for {}; pulling anonymously", program, domain);
      return std::optional<image::Credential>();
    }
    std::string why = first_line(run->err.empty() ? run->out : run->err);
    return util::input_error("credential helper {} failed for {} (exit {}){}{}", program, domain,
                             run->exit_code, why.empty() ? "" : ": ", why);
  }
  TRY_ASSIGN(image::Credential credential, image::parse_helper_output(run->out, source.helper));
  return std::optional<image::Credential>(std::move(credential));
}

}  // namespace

util::Status apply_docker_credentials(const std::string& domain, RegistryOptions& out,
                                      const CredentialEnvironment& env) {
  auto path = image::docker_config_path(env.docker_config, env.home);
  if (!path || !util::is_regular_file(*path)) {
    return {};
  }
  TRY_ASSIGN(std::string text, util::read_file(*path, 4u << 20));
  TRY_ASSIGN(image::DockerConfig config, image::DockerConfig::parse(text, *path));
  image::CredentialSource source = config.lookup(domain);
  image::Credential credential;
  switch (source.kind) {
    case image::CredentialSource::Kind::anonymous:
      return {};
    case image::CredentialSource::Kind::inline_auth:
      credential = source.credential;
      LOG_DEBUG("registry credentials for {} from {}", domain, *path);
      break;
    case image::CredentialSource::Kind::helper: {
      TRY_ASSIGN(auto found, run_helper(source, domain, env));
      if (!found) {
        return {};
      }
      credential = std::move(*found);
      break;
    }
  }
  if (!credential.identity_token.empty()) {
    out.identity_token = credential.identity_token;
  } else if (!credential.username.empty()) {
    out.username = credential.username;
    out.password = credential.password;
  } else {
    LOG_WARN(
        "{}: only a registry token is stored for {}, which is not supported; pulling "
        "anonymously",
        *path, domain);
  }
  return {};
}

}  // namespace strata::registry
