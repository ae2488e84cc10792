#include "scan/image_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <tuple>

namespace strata::scan {
namespace {

bool removed_above(const std::vector<layer::LayerAnalysis>& analyses, std::size_t layer,
                   std::string_view path) {
  for (std::size_t j = layer + 1; j < analyses.size(); ++j) {
    if (layer::replaced_in(analyses[j], path)) {
      return true;
    }
  }
  return false;
}

bool runs_as_root(const std::string& user) {
  std::string_view u = user;
  u = u.substr(0, u.find(':'));  // "user:group"
  return u.empty() || u == "root" || u == "0";
}

// A history step's instruction, as `docker history` shows it: "/bin/sh -c #(nop) ADD ..." and
// BuildKit's "ADD ... # buildkit" alike.
std::string_view instruction(std::string_view created_by) {
  if (auto at = created_by.find("/bin/sh -c "); at != std::string_view::npos) {
    created_by.remove_prefix(at + 11);
    if (created_by.substr(0, 7) == "#(nop) ") {
      created_by.remove_prefix(7);
    }
  }
  while (!created_by.empty() && created_by.front() == ' ') {
    created_by.remove_prefix(1);
  }
  return created_by;
}

model::Check item(std::string number, std::string type, std::string profile, bool scored,
                  std::string description, std::string remediation) {
  model::Check c;
  c.test_number = std::move(number);
  c.category = "image";
  c.type = std::move(type);
  c.profile = std::move(profile);
  c.scored = scored;
  c.automated = false;
  c.description = std::move(description);
  c.remediation = std::move(remediation);
  c.level = "WARN";
  return c;
}

}  // namespace

void sort_setid(std::vector<model::SetidFile>& files) {
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
}

void sort_secrets(std::vector<model::Secret>& secrets) {
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.rule_id, a.layer, a.match) <
           std::tie(b.path, b.line, b.rule_id, b.layer, b.match);
  });
}

std::vector<model::SetidFile> image_setid_files(const std::vector<layer::LayerAnalysis>& analyses) {
  std::vector<model::SetidFile> out;
  for (std::size_t i = 0; i < analyses.size(); ++i) {
    for (const auto& f : analyses[i].setid) {
      if (!removed_above(analyses, i, f.path)) {
        out.push_back(f);
        out.back().layer = analyses[i].diff_id;
      }
    }
  }
  sort_setid(out);
  return out;
}

std::vector<model::Secret> image_secrets(const std::vector<layer::LayerAnalysis>& analyses) {
  std::vector<model::Secret> out;
  for (std::size_t i = 0; i < analyses.size(); ++i) {
    for (const auto& s : analyses[i].secrets) {
      out.push_back(s);
      out.back().layer = analyses[i].diff_id;
      out.back().deleted = s.deleted || removed_above(analyses, i, s.path);
    }
  }
  sort_secrets(out);
  return out;
}

std::vector<model::Check> image_checks(const model::ScanResult& result) {
  std::vector<model::Check> out;
  const bool image = result.target.kind != "host" && result.target.kind != "rootfs";
  if (image) {
    if (runs_as_root(result.target.user)) {
      auto c = item("I.4.1", "image", "Level 1", true,
                    "Ensure a user for the container has been created",
                    "Create a non-root user for the container in the Dockerfile (USER) and run "
                    "the container as that user.");
      c.evidence = result.target.user.empty() ? "User not set" : "User " + result.target.user;
      out.push_back(std::move(c));
    }
    if (!result.target.healthcheck) {
      out.push_back(item("I.4.6", "image", "Level 1", false,
                         "Ensure that HEALTHCHECK instructions have been added to container "
                         "images",
                         "Add a HEALTHCHECK instruction to the Dockerfile."));
    }
  }
  for (const auto& f : result.setid) {
    auto c =
        item("I.4.8", "image", "Level 2", false, "Ensure setuid and setgid permissions are removed",
             "Remove the setuid and setgid permissions of files that do not need them "
             "(chmod u-s,g-s in the Dockerfile).");
    c.location = f.path;
    c.evidence = model::setid_mode_string(f.mode);
    c.message.push_back(
        fmt::format("File {} has {} mode: {}", f.path, model::setid_kind(f.mode), c.evidence));
    c.description += " - " + c.message.back();
    out.push_back(std::move(c));
  }
  if (image) {
    for (const auto& h : result.target.history) {
      std::string_view step = instruction(h.created_by);
      if (step.substr(0, 4) == "ADD " && step.substr(4, 5) != "file:") {
        auto c = item("I.4.9", "image", "Level 1", false,
                      "Ensure that COPY is used instead of ADD in Dockerfiles",
                      "Use COPY instead of ADD in Dockerfiles unless a remote URL or an archive "
                      "to unpack is meant.");
        c.evidence = std::string(step.substr(0, 200));
        out.push_back(std::move(c));
        break;
      }
    }
  }
  for (const auto& s : result.secrets) {
    auto c = item("I.4.10", "secret", "Level 1", false,
                  "Ensure secrets are not stored in container images",
                  "Remove the secret from the image (and from every layer: a file a later "
                  "layer deletes is still in the image) and rotate it.");
    c.location = s.path;
    c.evidence = s.match;
    c.message.push_back(fmt::format("File {} contains {}: {}", s.path, s.title, s.match));
    c.description += " - " + c.message.back();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace strata::scan
