// Tests talk to 127.0.0.1 only: a proxy from the environment must not intercept them. Linked into
// every test binary (the support library is an object library), this runs before main().
#include <cstdlib>
#include <initializer_list>

namespace {

const bool k_no_proxy = [] {
  for (const char* v :
       {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    ::unsetenv(v);
  }
  return true;
}();

}  // namespace
