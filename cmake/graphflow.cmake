# graphflow_library(NAME DEPS...): one library per top-level folder, built
# from every .cc in it, so adding a file never needs a CMake edit. Static or
# shared follows BUILD_SHARED_LIBS. Every library made here is installed and
# exported (with its folder's headers) by cmake/install.cmake.
function(graphflow_library name)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  add_library(${name} ${srcs})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/graphflow>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${name} PUBLIC ${ARGN})
  graphflow_export(${name} ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()

# graphflow_export(NAME HEADER_DIR): installs library NAME and the *.h in
# HEADER_DIR as include/graphflow/<folder>/. Libraries are recorded in
# creation order, which is dependency order (a folder only links folders
# added before it).
function(graphflow_export name header_dir)
  set_property(GLOBAL APPEND PROPERTY GRAPHFLOW_LIBRARIES ${name})
  set_property(GLOBAL APPEND PROPERTY GRAPHFLOW_HEADER_DIRS ${header_dir})
endfunction()
