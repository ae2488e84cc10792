# Module layering (STYLE.md): each module lists the modules it may include and link.
# Used by the build (link edges) and by tests/layering/check_layering.cmake (#include edges).
set(STRATA_MODULES util vfs model vercmp image http host config registry docker layer detect
    vulndb cache report source match scan cli)
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
set(deps_layer   util vfs image)
set(deps_detect  util vfs model vercmp)
set(deps_vulndb  util model vercmp http)
set(deps_cache   util model vfs layer)
set(deps_report  util model)
set(deps_source   util vfs model image http registry docker layer)
set(deps_match   util model vercmp vulndb)
set(deps_scan    util vfs model vercmp image http registry docker layer detect vulndb cache report source
                 match host)
set(deps_cli     util vfs model vercmp image http host config registry docker layer detect vulndb
                 cache report source match scan)

