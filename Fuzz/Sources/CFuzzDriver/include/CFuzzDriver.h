#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt): runs the fuzzing loop with `callback` as the target.
// Calling it from our own main sidesteps SwiftPM's `main=<Module>_main` alias, which clashes
// with libFuzzer's main under -parse-as-library.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
