#ifndef HAUL_CGLPK_SHIM_H
#define HAUL_CGLPK_SHIM_H
#include <glpk.h>
#endif
