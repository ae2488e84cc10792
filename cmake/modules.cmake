# Module layering (STYLE.md): each module has a layer number and lists the modules it may include
# and link. Every listed module must sit on a strictly lower layer (no edge between two modules of
# one layer, no edge upwards), so the graph has no cycle by construction.
# Used by the build (link edges) and by tests/layering/check_layering.cmake, which checks both the
# table and every #include "module/..." edge of lib/ and cmd/.
#
#   L0 util                                   result/error, logging, files, locks, hashing, codecs,
#                                             parallel work, time
#   L1 vfs model vercmp image http            filesystem view, value types, version schemes,
#                                             image references/manifests, HTTP client
#   L2 host config                            a host root as a vfs; settings with precedence
#   L3 registry docker layer detect vulndb    OCI distribution, Docker Engine API, tar streams and
#      report secret policy                   merged view, package detectors, vulnerability
#                                             database, report writers, secret scanning of file
#                                             contents, ignore files / VEX / --severity
#   L4 cache source match                     the layer cache (of layer analyses), image sources,
#                                             packages x advisories -> findings
#   L5 scan                                   orchestration of one scan
#   L6 fleet                                  sweeps of whole registries in shards, their
#                                             summaries and merging them
#   L7 cli                                    command line, the only user of CLI11
set(STRATA_MODULES util vfs model vercmp image http host config registry docker layer detect
    vulndb report secret policy cache source match scan fleet cli)
set(layer_util     0)
set(layer_vfs      1)
set(layer_model    1)
set(layer_vercmp   1)
set(layer_image    1)
set(layer_http     1)
set(layer_host     2)
set(layer_config   2)
set(layer_registry 3)
set(layer_docker   3)
set(layer_layer    3)
set(layer_detect   3)
set(layer_vulndb   3)
set(layer_report   3)
set(layer_secret   3)
set(layer_policy   3)
set(layer_cache    4)
set(layer_source   4)
set(layer_match    4)
set(layer_scan     5)
set(layer_fleet    6)
set(layer_cli      7)

set(deps_util    "")
set(deps_vfs     util)
set(deps_model   util)
set(deps_vercmp  util)
set(deps_image   util)
set(deps_http    util)
set(deps_host    util vfs model)
set(deps_config  util image)
set(deps_registry util http image)
set(deps_docker  util http image)
set(deps_layer   util vfs model image)
set(deps_detect  util vfs model vercmp)
set(deps_vulndb  util model vercmp http)
set(deps_report  util model)
set(deps_secret  util model)
set(deps_policy  util model)
set(deps_cache   util model vfs layer)
set(deps_source  util vfs model image http registry docker layer)
set(deps_match   util model vercmp vulndb)
set(deps_scan    util vfs model vercmp image http registry docker layer detect vulndb cache report source
                 match host config policy)
set(deps_fleet   util model image http registry vulndb report scan)
set(deps_cli     util vfs model vercmp image http host config registry docker layer detect vulndb
                 cache report source match scan secret policy fleet)
