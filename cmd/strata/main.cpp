#include <cstdlib>

#include "cli/main.hpp"

int main(int argc, char** argv) {
  // With TZ unset, glibc stats /etc/localtime on every mktime()/localtime() call, and libarchive
  // converts the DOS time of every zip entry that way: ~10% of a 1M-record `db import` went to
  // those stats. TZ=:/etc/localtime names the same zone and is read once.
  setenv("TZ", ":/etc/localtime", /*overwrite=*/0);
  return strata::cli::run(argc, argv);
}
