# SPDX-License-Identifier: Apache-2.0
# Container discovery, filter and enrichment (operators/containers/).
target_sources(ig_operators PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/state_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/k8s_metadata.cpp
  ${CMAKE_CURRENT_LIST_DIR}/selector.cpp
  ${CMAKE_CURRENT_LIST_DIR}/engine_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/proc_info.cpp
  ${CMAKE_CURRENT_LIST_DIR}/conmon.cpp
  ${CMAKE_CURRENT_LIST_DIR}/discovery.cpp
  ${CMAKE_CURRENT_LIST_DIR}/containers_operator.cpp)
find_package(Threads REQUIRED)
target_link_libraries(ig_operators PUBLIC CURL::libcurl Threads::Threads)
