#include "memory_release.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace flashtwin::sim {

void release_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace flashtwin::sim
