# Tests of the installed package: stage an install of this build tree, build
# examples/consumer out of tree against it (same compiler and flags), train
# the course CNN with it, and check it registers every op and kernel this
# build tree does (cmake/consumer_test_step.cmake runs each step).

# The build tree's registries, listed by the same program the consumer
# builds (examples/consumer/registry_check.cc).
add_executable(graphflow_registry_list
               ${PROJECT_SOURCE_DIR}/examples/consumer/registry_check.cc)
target_link_libraries(graphflow_registry_list PRIVATE graphflow::graphflow)

list(JOIN graphflow_cxx_flags " " consumer_cxx_flags)
list(JOIN graphflow_link_flags " " consumer_link_flags)
set(consumer_step ${CMAKE_COMMAND}
    -DBUILD_DIR=${PROJECT_BINARY_DIR}
    -DSTAGE_DIR=${PROJECT_BINARY_DIR}/stage
    -DCONSUMER_SOURCE_DIR=${PROJECT_SOURCE_DIR}/examples/consumer
    -DCONSUMER_BUILD_DIR=${PROJECT_BINARY_DIR}/consumer
    -DGENERATOR=${CMAKE_GENERATOR}
    -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
    -DCXX_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
    "-DCXX_FLAGS=${consumer_cxx_flags}"
    "-DLINK_FLAGS=${consumer_link_flags}"
    -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
    -DVERSION=${PROJECT_VERSION}
    -DDIGITS_DIR=${PROJECT_SOURCE_DIR}/data/digits
    -DREGISTRY_LIST=$<TARGET_FILE:graphflow_registry_list>)

foreach(step stage consumer_build consumer_trains consumer_registry)
  add_test(NAME install_${step}
           COMMAND ${consumer_step} -DSTEP=${step}
                   -P ${PROJECT_SOURCE_DIR}/cmake/consumer_test_step.cmake)
endforeach()
set_tests_properties(install_stage PROPERTIES FIXTURES_SETUP graphflow_stage)
set_tests_properties(install_consumer_build PROPERTIES
                     FIXTURES_REQUIRED graphflow_stage
                     FIXTURES_SETUP graphflow_consumer)
set_tests_properties(install_consumer_trains install_consumer_registry
                     PROPERTIES FIXTURES_REQUIRED graphflow_consumer)
