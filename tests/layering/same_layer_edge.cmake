# The real table with the layer cache moved down to the layer reader's layer: the layering check
# must reject the cache -> layer edge (tests/CMakeLists.txt, layering.rejects_same_layer_edge).
include(${SOURCE_DIR}/cmake/modules.cmake)
set(layer_cache 3)
