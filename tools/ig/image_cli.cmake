# SPDX-License-Identifier: Apache-2.0
# The `ig image …`, `ig login/logout` commands. Local commands (build, list, tag, remove,
# inspect, export, import) and remote ones (push, pull, login, logout, sign) live in separate files.
add_library(ig_image_cli STATIC)
target_include_directories(ig_image_cli PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(ig_image_cli PUBLIC ig_registry ig_runtime cxxopts::cxxopts)
target_sources(ig_image_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/comma_list.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/image_local.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/image_remote.cmake)
