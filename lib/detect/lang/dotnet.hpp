#pragma once
// .NET packages (ecosystem "NuGet", purl pkg:nuget/NAME@VERSION, the name as the file writes it).
//
//   <app>.deps.json      written by the SDK next to a built or published app:
//                        {"libraries": {"Newtonsoft.Json/13.0.3": {"type": "package", ...},
//                                       "MyApp/1.0.0": {"type": "project", ...}, ...}}
//                        only the libraries of type "package" (NuGet packages) count; projects,
//                        reference assemblies and runtime packs ("runtimepack") do not. Every
//                        package library is reported, whether or not the app's runtime target
//                        loads an assembly from it.
//   packages.lock.json   NuGet's lock file (RestorePackagesWithLockFile):
//                        {"dependencies": {"net8.0": {"Serilog": {"type": "Direct",
//                                                                 "resolved": "3.1.1", ...}}}}
//                        every target framework (and runtime-specific target, "net8.0/linux-x64")
//                        is read; entries of type "Project" (other projects of the solution) are
//                        skipped, "Direct", "Transitive" and "CentralTransitive" ones reported.
// A package appearing in several targets is reported once per file (same name and version).

#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::lang {

// A file whose name ends ".deps.json" (with something before it).
bool is_deps_json_candidate(std::string_view path);
// A file named packages.lock.json.
bool is_packages_lock_candidate(std::string_view path);
bool is_dotnet_candidate(std::string_view path);

// The NuGet packages of a .deps.json, in file order. Not JSON (or nested too deep), or no
// "libraries" object: a warning naming `path`, and no packages. A library key without '/', or a
// package entry that is not an object: a warning, and the entry skipped.
std::vector<model::Package> parse_deps_json(std::string_view content, std::string_view path,
                                            std::vector<std::string>& warnings);

// The packages of a packages.lock.json, in file order. Not JSON, or no "dependencies" object: a
// warning and no packages; an entry without a string "resolved": a warning naming the target and
// package, and the entry skipped.
std::vector<model::Package> parse_packages_lock(std::string_view content, std::string_view path,
                                                std::vector<std::string>& warnings);

// parse_packages_lock for a path ending "packages.lock.json", else parse_deps_json.
std::vector<model::Package> parse_dotnet(std::string_view content, std::string_view path,
                                         std::vector<std::string>& warnings);

}  // namespace strata::detect::lang
