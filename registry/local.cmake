# SPDX-License-Identifier: Apache-2.0
# Local side of ig_registry: digests, references, OCI documents, the store, image building and
# OCI-layout tarballs. One file per concern.
target_sources(ig_registry PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/digest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reference.cpp
  ${CMAKE_CURRENT_LIST_DIR}/strict_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/oci.cpp
  ${CMAKE_CURRENT_LIST_DIR}/file_lock.cpp
  ${CMAKE_CURRENT_LIST_DIR}/atomic_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/local_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_builder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tar.cpp
  ${CMAKE_CURRENT_LIST_DIR}/oci_archive.cpp)
