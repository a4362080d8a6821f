# SPDX-License-Identifier: Apache-2.0
# Remote image commands: push, pull, login, logout, sign; registry flags shared with `ig run`.
target_sources(ig_image_cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/image_remote_commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registry_access.cpp)
# Trust: signatures and the host policy (allowlist, disallow-pulling) for pull and run.
target_sources(ig_image_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/image_trust.cpp)
