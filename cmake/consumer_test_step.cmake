# One step of the installed-package test (cmake/consumer_test.cmake passes
# the variables): stage | consumer_build | consumer_trains |
# consumer_registry.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "failed (${rc}): ${command}")
  endif()
endfunction()

if(STEP STREQUAL "stage")
  file(REMOVE_RECURSE ${STAGE_DIR})
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${STAGE_DIR})
  execute_process(COMMAND ${STAGE_DIR}/bin/graphflow --version
                  OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT version STREQUAL "graphflow ${VERSION}")
    message(FATAL_ERROR "installed graphflow --version: '${version}'")
  endif()
elseif(STEP STREQUAL "consumer_build")
  # A fresh configure, so the consumer only ever sees the staged install.
  file(REMOVE_RECURSE ${CONSUMER_BUILD_DIR})
  run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${CONSUMER_BUILD_DIR}
      -G ${GENERATOR} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
      -DCMAKE_PREFIX_PATH=${STAGE_DIR}
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
      -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER}
      "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}")
  file(STRINGS ${CONSUMER_BUILD_DIR}/CMakeCache.txt found
       REGEX "^graphflow_DIR:")
  string(FIND "${found}" "graphflow_DIR:PATH=${STAGE_DIR}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "found the wrong graphflow: ${found}")
  endif()
  run(${CMAKE_COMMAND} --build ${CONSUMER_BUILD_DIR})
elseif(STEP STREQUAL "consumer_trains")
  run(${CONSUMER_BUILD_DIR}/consumer ${DIGITS_DIR})
elseif(STEP STREQUAL "consumer_registry")
  set(list ${CONSUMER_BUILD_DIR}/build_tree_registries.txt)
  run(${REGISTRY_LIST} --list OUTPUT_FILE ${list})
  run(${CONSUMER_BUILD_DIR}/registry_check ${list})
else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
