# Included by install(CODE) at install time: writes the unit files from their .in templates with
# the paths of the prefix actually installed to (`cmake --install build --prefix P` included),
# so that ExecStart= always names the binary that was installed next to the unit.
#
# Inputs (set by systemd/CMakeLists.txt before the include):
#   HALLCAST_UNIT_TEMPLATES  list of "<template path>|system" or "<template path>|user"
#   HALLCAST_UNIT_BINDIR HALLCAST_UNIT_DATADIR HALLCAST_UNIT_DOCDIR
#   HALLCAST_UNIT_SYSTEM_DIR HALLCAST_UNIT_USER_DIR   (relative to the prefix, or absolute)

function(hallcast_abs out path)
  if(IS_ABSOLUTE "${path}")
    set(${out} "${path}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${path}" PARENT_SCOPE)
  endif()
endfunction()

hallcast_abs(HALLCAST_BINDIR "${HALLCAST_UNIT_BINDIR}")
hallcast_abs(HALLCAST_DATADIR "${HALLCAST_UNIT_DATADIR}")
hallcast_abs(HALLCAST_DOCDIR "${HALLCAST_UNIT_DOCDIR}")
hallcast_abs(system_dir "${HALLCAST_UNIT_SYSTEM_DIR}")
hallcast_abs(user_dir "${HALLCAST_UNIT_USER_DIR}")

foreach(entry IN LISTS HALLCAST_UNIT_TEMPLATES)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 template)
  list(GET parts 1 kind)
  get_filename_component(name "${template}" NAME)
  string(REGEX REPLACE "\\.in$" "" name "${name}")
  if(kind STREQUAL "user")
    set(dest "${user_dir}/${name}")
  else()
    set(dest "${system_dir}/${name}")
  endif()
  message(STATUS "Installing: $ENV{DESTDIR}${dest}")
  configure_file("${template}" "$ENV{DESTDIR}${dest}" @ONLY)
  file(CHMOD "$ENV{DESTDIR}${dest}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "$ENV{DESTDIR}${dest}")
endforeach()
