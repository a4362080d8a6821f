# SPDX-License-Identifier: Apache-2.0
# Local image commands: build (with the runtime's validation), list, tag, remove, inspect,
# export, import, and the `ig image` dispatcher.
target_sources(ig_image_cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/image_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_local_commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_build_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gadget_validation.cpp)
# Validation runs the formatters and the annotate step exactly as `ig run` does.
target_link_libraries(ig_image_cli PRIVATE ig_operators)
# Defaults for `ig image build` when running from a build tree (an installed ig uses
# <prefix>/include and <prefix>/include/ig/vmlinux/<arch>).
target_compile_definitions(ig_image_cli PRIVATE
  IG_SOURCE_SDK_INCLUDE="${PROJECT_SOURCE_DIR}/sdk/include"
  IG_BUILD_VMLINUX_DIR="${IG_VMLINUX_DIR}"
  IG_CLANG_PATH="${IG_CLANG}"
  IG_LLVM_STRIP_PATH="${IG_LLVM_STRIP}")
add_dependencies(ig_image_cli ig_vmlinux_h)
