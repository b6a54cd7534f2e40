# How lockedges' libraries are built.
#
# One flavour = the whole program compiled with one set of flags: plain (the
# build users run, linked with gperftools' profiler), tsan (ThreadSanitizer)
# and asan (AddressSanitizer + UBSan). Every library of lib/ is built once
# per flavour it is used in, as lockedges_<name><suffix> (suffix "", "-tsan"
# or "-asan").
#
# A library's headers are reachable only through its dependencies: each
# library has its own include root, build/include/<name>/, holding one link,
# <name> -> lib/<name>/. Code includes "<name>/<file>.hpp", and the compiler
# finds it only when <name> is the library itself or one it depends on
# (PUBLIC include directories travel along target_link_libraries), so an
# include across a boundary the build does not declare fails to compile.

set(LOCKEDGES_FLAVOURS plain tsan asan)

function(lockedges_suffix flavour out)
  if(flavour STREQUAL "plain")
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "-${flavour}" PARENT_SCOPE)
  endif()
endfunction()

# Unity builds: a target's sources compiled as one translation unit per
# flavour. Nearly all of a file's compile time is generating code for the
# inline functions and templates it uses (CLI11, nlohmann/json, fmt), and
# files of one library use the same ones: one unit generates each once.
# Lines, file names and __FILE__ stay the files' own.
function(lockedges_unity target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
endfunction()

# lockedges_library(<name> SOURCES ... [PLAIN_SOURCES ...] [SANITIZER_SOURCES ...]
#                   [DEPENDS <lockedges library> ...] [LINK <target> ...]
#                   [PLAIN_LINK <target> ...] [PLAIN_ONLY] [FILE_BY_FILE] [HOT])
# FILE_BY_FILE: no unity build, for the code that runs in a sanitized
# child's threads beside the case (case_api, worker): there, which calls are
# inlined across files changes what ThreadSanitizer keeps of each thread's
# history, so it stays as each file alone compiles it.
# HOT: code a stress child or a benchmark times (case_api, worker,
# benchmarks), built at the build type's -O2; the rest of the plain build
# (the parent's work, reports, the command line) at -O1, which compiles
# faster and runs fast enough. The sanitizer builds are -O1 throughout.
function(lockedges_library name)
  cmake_parse_arguments(PARSE_ARGV 1 L "PLAIN_ONLY;FILE_BY_FILE;HOT" ""
                        "SOURCES;PLAIN_SOURCES;SANITIZER_SOURCES;DEPENDS;LINK;PLAIN_LINK")
  set(root ${CMAKE_BINARY_DIR}/include/${name})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${name})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${name} SYMBOLIC)
  endif()
  set(flavours ${LOCKEDGES_FLAVOURS})
  if(L_PLAIN_ONLY)
    set(flavours plain)
  endif()
  foreach(flavour IN LISTS flavours)
    lockedges_suffix(${flavour} suffix)
    set(target lockedges_${name}${suffix})
    add_library(${target} STATIC ${L_SOURCES})
    if(flavour STREQUAL "plain")
      if(NOT L_HOT)
        target_compile_options(${target} PRIVATE -O1)
      endif()
      target_sources(${target} PRIVATE ${L_PLAIN_SOURCES})
      target_link_libraries(${target} PUBLIC ${L_PLAIN_LINK})
    else()
      target_sources(${target} PRIVATE ${L_SANITIZER_SOURCES})
    endif()
    target_include_directories(${target} PUBLIC ${root})
    target_link_libraries(${target} PRIVATE lockedges_flavour_${flavour})
    foreach(dep IN LISTS L_DEPENDS)
      target_link_libraries(${target} PUBLIC lockedges_${dep}${suffix})
    endforeach()
    target_link_libraries(${target} PUBLIC ${L_LINK})
    target_precompile_headers(${target} REUSE_FROM lockedges_pch${suffix})
    if(NOT L_FILE_BY_FILE)
      lockedges_unity(${target})
    endif()
  endforeach()
endfunction()
