/* Storage of the per-thread recursion guard (see guard.h). */
#include "guard.h"

__thread int layer_guard_depth __attribute__((tls_model("initial-exec"))) = 0;
__thread int layer_entry_errno __attribute__((tls_model("initial-exec"))) = 0;
