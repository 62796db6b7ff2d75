// libgit2 as the Git module sees it (Debian: libgit2-dev).
#include <git2.h>
