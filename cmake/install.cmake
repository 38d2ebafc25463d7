# Installs every library made by graphflow_library() (plus the generated
# proto messages), their headers under include/graphflow/<folder>/, the
# front-door header and version.h, the `graphflow` CLI, a CMake package
# (find_package(graphflow) -> graphflow::graphflow) and graphflow.pc.
include(CMakePackageConfigHelpers)

get_property(graphflow_libraries GLOBAL PROPERTY GRAPHFLOW_LIBRARIES)
get_property(graphflow_header_dirs GLOBAL PROPERTY GRAPHFLOW_HEADER_DIRS)

# The one target users link: every graphflow library. "graphflow" is the
# CLI's target name, so the umbrella is graphflow_all, exported as
# graphflow::graphflow.
add_library(graphflow_all INTERFACE)
set_target_properties(graphflow_all PROPERTIES EXPORT_NAME graphflow)
target_link_libraries(graphflow_all INTERFACE ${graphflow_libraries})
add_library(graphflow::graphflow ALIAS graphflow_all)

# Shared libraries: libgraphflow_X.so.0.2 (pre-1.0, each minor version may
# change the ABI).
set_target_properties(${graphflow_libraries} PROPERTIES
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})

install(TARGETS ${graphflow_libraries} graphflow_all
        EXPORT graphflowTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET graphflow)
  install(TARGETS graphflow RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# Headers are matched at install time, so added or renamed headers need no
# CMake edit.
foreach(dir ${graphflow_header_dirs})
  get_filename_component(folder ${dir} NAME)
  install(DIRECTORY ${dir}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/graphflow/${folder}
          FILES_MATCHING PATTERN "*.h" PATTERN "CMakeFiles" EXCLUDE)
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/graphflow/graphflow.h
              ${PROJECT_BINARY_DIR}/graphflow/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/graphflow)

set(graphflow_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/graphflow)
install(EXPORT graphflowTargets NAMESPACE graphflow::
        DESTINATION ${graphflow_cmake_dir})
set(graphflow_onednn_dependency "")
if(GRAPHFLOW_ONEDNN)
  set(graphflow_onednn_dependency "find_dependency(dnnl CONFIG)")
endif()
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/graphflowConfig.cmake.in
  ${PROJECT_BINARY_DIR}/graphflowConfig.cmake
  INSTALL_DESTINATION ${graphflow_cmake_dir})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/graphflowConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/graphflowConfig.cmake
              ${PROJECT_BINARY_DIR}/graphflowConfigVersion.cmake
        DESTINATION ${graphflow_cmake_dir})

# pkg-config: dependents before their dependencies for static linking; the
# prefix is relative to the .pc file so `--prefix P` at install time works.
file(RELATIVE_PATH graphflow_pc_up /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" graphflow_pc_up "${graphflow_pc_up}")
set(graphflow_pc_libs "")
list(REVERSE graphflow_libraries)
foreach(lib ${graphflow_libraries})
  string(APPEND graphflow_pc_libs " -l${lib}")
endforeach()
# oneDNN and its OpenMP runtime for static linking.
if(GRAPHFLOW_ONEDNN)
  string(APPEND graphflow_pc_libs " -ldnnl -lgomp")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/graphflow.pc.in
               ${PROJECT_BINARY_DIR}/graphflow.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/graphflow.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
